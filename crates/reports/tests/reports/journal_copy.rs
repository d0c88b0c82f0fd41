//! The quarterly / half-year paper copy of a class journal and the stitched, numbered, certified year-end journal.
