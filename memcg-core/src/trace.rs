//! The trace CSV format.
