use std::io::Write;
use std::process::Command;

fn run(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let mut file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    file.write_all(pdf).unwrap();
    let path = file.path().to_str().unwrap().to_string();
    let mut all: Vec<&str> = args.to_vec();
    all.push(&path);
    if tool == "pdftotext" {
        all.push("-");
    }
    let out = Command::new(tool).args(&all).output().unwrap_or_else(|e| {
        panic!("cannot run {tool} ({e}): install poppler-utils (scripts/setup.sh does)")
    });
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The text of the whole document in reading order.
pub fn text(pdf: &[u8]) -> String {
    run("pdftotext", &[], pdf)
}

/// The text with the physical layout kept: a table row stays on one line.
pub fn layout_text(pdf: &[u8]) -> String {
    run("pdftotext", &["-layout"], pdf)
}

/// The text of page `n` (1-based).
pub fn page_text(pdf: &[u8], n: usize) -> String {
    let n = n.to_string();
    run("pdftotext", &["-layout", "-f", &n, "-l", &n], pdf)
}

/// The text inside a rectangle of page `n`, in points from the top left corner.
pub fn region_text(pdf: &[u8], n: usize, x: u32, y: u32, w: u32, h: u32) -> String {
    let [n, x, y, w, h] = [n as u32, x, y, w, h].map(|v| v.to_string());
    run(
        "pdftotext",
        &[
            "-f", &n, "-l", &n, "-r", "72", "-x", &x, "-y", &y, "-W", &w, "-H", &h,
        ],
        pdf,
    )
}

/// The value of `key` in `pdfinfo`'s report.
pub fn info(pdf: &[u8], key: &str) -> String {
    let out = run("pdfinfo", &[], pdf);
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .unwrap_or_else(|| panic!("pdfinfo has no {key}: {out}"))
        .trim()
        .to_string()
}

pub fn page_count(pdf: &[u8]) -> usize {
    info(pdf, "Pages").parse().unwrap()
}

/// Width and height of every page, points.
pub fn page_sizes(pdf: &[u8]) -> Vec<(f32, f32)> {
    let n = page_count(pdf).to_string();
    let out = run("pdfinfo", &["-f", "1", "-l", &n], pdf);
    out.lines()
        .filter(|l| l.starts_with("Page ") && l.contains(" size:"))
        .map(|l| {
            let dims = l.split("size:").nth(1).unwrap();
            let mut it = dims.split_whitespace();
            let w: f32 = it.next().unwrap().parse().unwrap();
            assert_eq!(it.next(), Some("x"));
            let h: f32 = it.next().unwrap().parse().unwrap();
            (w, h)
        })
        .collect()
}

/// `pdffonts` rows: (name, embedded, subset, has a Unicode map).
pub fn fonts(pdf: &[u8]) -> Vec<(String, bool, bool, bool)> {
    let out = run("pdffonts", &[], pdf);
    out.lines()
        .skip(2)
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let n = cols.len();
            // name … emb sub uni object ID
            (
                cols[0].to_string(),
                cols[n - 5] == "yes",
                cols[n - 4] == "yes",
                cols[n - 3] == "yes",
            )
        })
        .collect()
}

/// `s` without any white space.
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}
