//! # Paper documents of the class journal
//!
//! Clerks and class teachers put these pages in front of a deputy director and under a
//! school's seal, so they must come out right without anyone fixing them by hand. A document
//! is made in four steps, each a plain function that a test can stop after:
//!
//! ```text
//!  domain values ──▶ figures ──▶ Tera template ──▶ layout markup ──▶ PDF
//!  (students,        (Serialize   (report-templates/  (XML text,       (genpdfi, then
//!   final marks)      struct)      + school folder)    snapshot-tested) lopdf fix-ups)
//! ```
//!
//! 1. **Figures.** A document's module computes what it shows from values of
//!    [`zhurnal_domain`] (e.g. [`class_results::class_results`]), using the domain's formulas.
//! 2. **Template.** [`Templates`] renders the figures with Tera. The defaults in
//!    `report-templates/` are compiled into the binary; a school may override any of them from
//!    a folder without rebuilding ([`Templates::with_overrides`]).
//! 3. **Markup.** The template writes a small XML vocabulary of pages and blocks — sections
//!    (portrait or landscape A4, margins, running header and footer with `{page}`/`{pages}`),
//!    headings, paragraphs, tables with fixed and relative column widths, column and row
//!    spans and thin borders, signature lines, spaces and page breaks — described in
//!    [`markup`]. [`markup::parse`] checks it and reports mistakes with their line.
//! 4. **PDF.** [`layout::render_pdf`] lays the markup out with genpdfi on A4 pages with the
//!    bundled Liberation fonts ([`fonts`]), embedding only the glyphs used; a word wider than
//!    its column is broken or shrunk, never dropped. A last pass over the file (lopdf) gives
//!    mixed portrait and landscape pages their own size, compresses every stream and makes
//!    the output byte-for-byte reproducible.
//!
//! Why genpdfi (and not genpdf 0.2) and what it costs is measured in `MEASUREMENTS.md`.
//!
//! ```no_run
//! # fn input() -> zhurnal_reports::class_results::ClassReportInput { unimplemented!() }
//! use zhurnal_reports::{class_results, Templates};
//! let templates = Templates::with_overrides("/srv/school/templates")?;
//! let pdf = class_results::render_class_results(&input(), &templates)?;
//! std::fs::write("itogi-7b-q1.pdf", pdf)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod class_results;
pub mod class_teacher;
pub mod fonts;
pub mod html;
pub mod input;
pub mod journal_copy;
pub mod layout;
pub mod markup;
pub mod parents;
mod pdf;
pub mod templates;

pub use input::{ClassJournal, SubjectJournal};
pub use layout::{render_pdf, LayoutError};
pub use markup::MarkupError;
pub use templates::Templates;

use std::path::PathBuf;
use thiserror::Error;

/// Why a document could not be made. Messages are for the person who prints it or edits a
/// template, in Russian.
#[derive(Debug, Error)]
pub enum ReportError {
    #[error("шаблон «{name}»: {message}")]
    Template { name: String, message: String },
    /// The markup given to [`render_markup`] is wrong.
    #[error(transparent)]
    Markup(Box<MarkupError>),
    /// A template wrote wrong markup; the line is a line of the markup it wrote (see the
    /// document's `markup_*` function).
    #[error("шаблон «{template}» написал неверную разметку: {source}")]
    TemplateMarkup {
        template: String,
        source: Box<MarkupError>,
    },
    #[error(transparent)]
    Layout(#[from] LayoutError),
    #[error("шаблон «{template}»: {source}")]
    TemplateLayout {
        template: String,
        source: LayoutError,
    },
    #[error("папка шаблонов школы {path}: {source}")]
    Overrides {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A finished document.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered {
    /// The PDF file.
    pub pdf: Vec<u8>,
    /// Its number of pages.
    pub pages: usize,
    /// The layout markup it was printed from, with the page numbers filled in (for
    /// [`html::to_html`]).
    pub markup: String,
}

impl Rendered {
    /// The same document as HTML and CSS for a browser to print ([`html::to_html`]).
    pub fn html(&self) -> Result<String, ReportError> {
        let doc = markup::parse(&self.markup).map_err(|e| ReportError::Markup(Box::new(e)))?;
        Ok(html::to_html(&doc))
    }
}

/// Reports how far the making of a document has got to a callback `(done, total)`.
///
/// The units are sections of the layout markup laid out (a subject's spread is two sections);
/// a document laid out several times (for page numbers) counts each pass. `done` never goes
/// down and never passes `total`; `total` is announced before the first unit is done and grows
/// only if an unforeseen extra pass is needed; the last call has `done == total`.
pub struct ProgressMeter<'a> {
    report: &'a mut dyn FnMut(usize, usize),
    done: usize,
    total: usize,
}

impl<'a> ProgressMeter<'a> {
    pub fn new(report: &'a mut dyn FnMut(usize, usize)) -> Self {
        Self {
            report,
            done: 0,
            total: 0,
        }
    }

    /// Announces `units` more to do.
    pub fn expect(&mut self, units: usize) {
        if units == 0 && self.total > 0 {
            return;
        }
        self.total += units;
        (self.report)(self.done, self.total);
    }

    /// One more unit done.
    pub fn tick(&mut self) {
        if self.done < self.total {
            self.done += 1;
            (self.report)(self.done, self.total);
        }
    }

    /// Everything done (units not reached count as done).
    pub fn finish(&mut self) {
        if self.done < self.total || self.total == 0 {
            self.done = self.total;
            (self.report)(self.done, self.total);
        }
    }

    /// Units announced so far.
    pub fn total(&self) -> usize {
        self.total
    }
}

/// Lays `doc` out on a worker thread, ticking `meter` once per section and pass.
pub(crate) fn layout_metered(
    doc: &markup::Document,
    meter: &mut ProgressMeter,
    layout_only: bool,
    count: layout::PageCount,
) -> Result<(Vec<u8>, layout::Pagination), LayoutError> {
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel();
        let worker = std::thread::Builder::new()
            .name("zhurnal-layout".into())
            .stack_size(16 << 20)
            .spawn_scoped(scope, move || {
                layout::render_pdf_ticking(doc, Some(tx), layout_only, count)
            })
            .map_err(|e| LayoutError::Internal(format!("не удалось запустить вёрстку: {e}")))?;
        for () in rx {
            meter.tick();
        }
        worker
            .join()
            .unwrap_or_else(|_| Err(LayoutError::Internal("вёрстка прервалась".into())))
    })
}

/// Prints markup that `template` wrote, reporting progress: the path of every document made
/// in one pass (all but the journal copies, see [`journal_copy`]).
pub fn render_template_markup_metered(
    template: &str,
    markup: String,
    meter: &mut ProgressMeter,
) -> Result<Rendered, ReportError> {
    let doc = markup::parse(&markup).map_err(|source| ReportError::TemplateMarkup {
        template: template.to_string(),
        source: Box::new(source),
    })?;
    meter.expect(layout::passes(&doc) * doc.sections.len());
    let (pdf, pages) =
        layout_metered(&doc, meter, false, layout::PageCount::Exact).map_err(|source| {
            ReportError::TemplateLayout {
                template: template.to_string(),
                source,
            }
        })?;
    meter.finish();
    Ok(Rendered {
        pdf,
        pages: pages.pages,
        markup,
    })
}

/// Parses layout markup and prints it to PDF.
pub fn render_markup(markup: &str) -> Result<Vec<u8>, ReportError> {
    let doc = markup::parse(markup).map_err(|e| ReportError::Markup(Box::new(e)))?;
    Ok(render_pdf(&doc)?)
}

/// [`render_markup`] for markup that `template` wrote: errors name the template.
pub(crate) fn render_template_markup(template: &str, markup: &str) -> Result<Vec<u8>, ReportError> {
    let doc = markup::parse(markup).map_err(|source| ReportError::TemplateMarkup {
        template: template.to_string(),
        source: Box::new(source),
    })?;
    render_pdf(&doc).map_err(|source| ReportError::TemplateLayout {
        template: template.to_string(),
        source,
    })
}
