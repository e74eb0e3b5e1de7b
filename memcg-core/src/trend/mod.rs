//! Streaming trend estimators and the leak detector.
