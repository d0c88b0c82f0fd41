//! Integration stories: the real `zhurnal` binary on real SQLite files, as a clerk's script or
//! a teacher at a terminal would use it. One test binary (as ripgrep does it), a module per
//! theme:
//!
//! * `cli` — the demo school, `dump`, `mark`/`attend`, `import-roster`, `stats`, and how bad
//!   input is refused without changing anything;
//! * `crash` — a writer killed with SIGKILL in the middle of a burst of edits loses nothing it
//!   acknowledged;
//! * `reports` — paper documents read back with pdftotext, their figures checked against the
//!   journal.

mod cli;
mod crash;
mod reports;
mod support;
mod sync;
