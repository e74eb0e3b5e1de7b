//! Python bindings for memcg.
