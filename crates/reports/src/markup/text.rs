//! Text inside paragraphs and cells: HTML's white-space rule.

use super::*;

pub(super) fn leading_newlines(s: &str) -> u32 {
    s.chars()
        .take_while(|c| c.is_whitespace())
        .filter(|c| *c == '\n')
        .count() as u32
}

/// Collapses runs of white space to one space and trims the ends.
pub(super) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// HTML's white-space rule: runs of white space (across inline boundaries) become one space;
/// space at the start and end of the paragraph and around line breaks disappears. The
/// non-breaking space (U+00A0) is not white space here.
pub(super) fn normalize_space(inlines: Vec<Inline>) -> Vec<Inline> {
    let is_ws = |c: char| c.is_whitespace() && c != '\u{a0}';
    let mut out: Vec<Inline> = Vec::new();
    // Whether the output so far ends in a space or is at a line start.
    let mut at_space = true;
    for i in inlines {
        match i {
            Inline::Break => {
                trim_end(&mut out);
                out.push(Inline::Break);
                at_space = true;
            }
            Inline::Text { text, bold, italic } => {
                let mut t = String::with_capacity(text.len());
                for c in text.chars() {
                    if is_ws(c) {
                        if !at_space {
                            t.push(' ');
                            at_space = true;
                        }
                    } else {
                        t.push(c);
                        at_space = false;
                    }
                }
                if !t.is_empty() {
                    match out.last_mut() {
                        Some(Inline::Text {
                            text: prev,
                            bold: b,
                            italic: it,
                        }) if *b == bold && *it == italic => prev.push_str(&t),
                        _ => out.push(Inline::Text {
                            text: t,
                            bold,
                            italic,
                        }),
                    }
                }
            }
        }
    }
    trim_end(&mut out);
    out
}

fn trim_end(out: &mut Vec<Inline>) {
    while let Some(Inline::Text { text, .. }) = out.last_mut() {
        let len = text.trim_end_matches(' ').len();
        text.truncate(len);
        if text.is_empty() {
            out.pop();
        } else {
            break;
        }
    }
}
