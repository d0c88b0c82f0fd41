//! The Tera templates that write layout markup: the defaults compiled into the binary from
//! `report-templates/`, and a school's folder layered over them.
//!
//! A school changes a document — its name, headers, wording, column order — by putting a file
//! with the same name as a default (say `class_results.tera`) into its templates folder; that
//! file wins, the other defaults stay. New files in the folder (partials a school's templates
//! include) are added as they are. Nothing is rebuilt.
//!
//! Values are escaped for XML as they are inserted (`&`, `<`, `>`, `"`, `'`), so a name such as
//! «Смирнов & сыновья» cannot break the markup; `{{ x | safe }}` inserts markup on purpose.

use crate::ReportError;
use std::collections::BTreeSet;
use std::path::Path;
use tera::Tera;

macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../report-templates/", $name)))),*]
    };
}

/// The default templates: (file name, source).
pub const BUILTIN: &[(&str, &str)] = builtin![
    "macros.tera",
    "class_results.tera",
    "parents_extract.tera",
    "parents_letter.tera",
    "parents_slips.tera",
    "journal_copy.tera",
    "ct_marks.tera",
    "ct_attendance.tera",
    "ct_month.tera",
    "ct_movement.tera",
    "ct_monitoring.tera",
];

/// The templates of one school: the defaults with its overrides on top.
pub struct Templates {
    tera: Tera,
    overridden: BTreeSet<String>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("names", &self.names().collect::<Vec<_>>())
            .field("overridden", &self.overridden)
            .finish()
    }
}

impl Templates {
    /// Only the defaults compiled into the program.
    pub fn builtin() -> Result<Self, ReportError> {
        Self::layered(Vec::new())
    }

    /// The defaults with every `*.tera` file of `dir` over them (not recursive).
    pub fn with_overrides(dir: impl AsRef<Path>) -> Result<Self, ReportError> {
        let dir = dir.as_ref();
        let io = |source: std::io::Error| ReportError::Overrides {
            path: dir.to_path_buf(),
            source,
        };
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.extension().is_some_and(|e| e == "tera") && path.is_file() {
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .ok_or_else(|| ReportError::Template {
                        name: path.display().to_string(),
                        message: "имя файла шаблона должно быть в UTF-8".to_string(),
                    })?
                    .to_string();
                let source =
                    std::fs::read_to_string(&path).map_err(|source| ReportError::Overrides {
                        path: path.clone(),
                        source,
                    })?;
                files.push((name, source));
            }
        }
        files.sort();
        Self::layered(files)
    }

    fn layered(overrides: Vec<(String, String)>) -> Result<Self, ReportError> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".tera"]);
        tera.set_escape_fn(escape_xml);
        tera.add_raw_templates(BUILTIN.iter().copied())
            .map_err(|e| template_error("(встроенные шаблоны)", &e))?;
        let overridden = overrides.iter().map(|(n, _)| n.clone()).collect();
        if !overrides.is_empty() {
            tera.add_raw_templates(overrides)
                .map_err(|e| template_error("(папка шаблонов школы)", &e))?;
        }
        Ok(Self { tera, overridden })
    }

    /// Renders template `name` with `context` into layout markup.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, ReportError> {
        self.tera
            .render(name, context)
            .map_err(|e| template_error(name, &e))
    }

    /// Whether the school's folder replaced the default `name`.
    pub fn is_overridden(&self, name: &str) -> bool {
        self.overridden.contains(name)
    }

    /// Names of all templates, defaults and the school's.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.tera.get_template_names()
    }
}

/// A Tera error with its causes: Tera puts the useful part (the line, the missing variable)
/// in the chain, not in the top message.
fn template_error(name: &str, e: &tera::Error) -> ReportError {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    ReportError::Template {
        name: name.to_string(),
        message,
    }
}

/// Escapes text for XML content and attribute values.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_for_xml_but_slashes_are_left_alone() {
        assert_eq!(
            escape_xml(r#"«Смирнов & сыновья» <b> "н/а" 'x'"#),
            "«Смирнов &amp; сыновья» &lt;b&gt; &quot;н/а&quot; &apos;x&apos;"
        );
    }

    #[test]
    fn builtin_templates_compile() {
        let t = Templates::builtin().unwrap();
        for (name, _) in BUILTIN {
            assert!(t.names().any(|n| n == *name), "{name}");
            assert!(!t.is_overridden(name));
        }
    }
}
