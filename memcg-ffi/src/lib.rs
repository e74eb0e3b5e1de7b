//! C ABI for memcg.
