//! Integration tests of the paper documents, in one test binary (as ripgrep does it). The PDFs
//! are read back with poppler's command-line tools (`pdftotext`, `pdfinfo`, `pdffonts`, from
//! the Debian package poppler-utils, which `scripts/setup.sh` installs).

/// Running poppler on PDF bytes.
mod poppler;

/// Report inputs made from the demo school.
mod fixtures;
mod input;

/// A word wider than its column is broken or shrunk, never dropped.
mod text_never_lost;

/// Pages: long tables continue with their header, numbers on every page, orientation, the
/// file itself (fonts subset, streams compressed, thin lines, same bytes every time).
mod pages;

/// Default templates, a school's overrides layered on top, and errors that name the place.
mod templates;

/// «Итоги успеваемости класса за период» end to end from the demo school.
mod class_results;

// Documents being written (one file each).
mod class_teacher;
mod journal_copy;
mod parents;

/// Progress reports, and the same document as HTML (the benchmark against Chromium).
mod html;
