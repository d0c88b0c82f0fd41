//! Nothing here: the stories are in tests/e2e.rs (run by scripts/e2e.sh).
