//! The reports page: paper documents made, saved, counted in pages and printed in part.

use super::*;

impl App {
    /// Makes a paper document into `out_dir` through [`Zhurnal::report`], passing on its
    /// progress (`done` of `total` sections laid out; `done` only grows, the last call has
    /// `done == total`).
    pub fn make_report(
        &mut self,
        req: &ReportRequest,
        out_dir: &Path,
        progress: &mut dyn FnMut(ReportProgress),
    ) -> AppResult<ReportResult> {
        use crate::reports::{ReportKind, ReportRequest as Request};
        self.who()?;
        let (school, class, _, acc) = self.class_with(&req.class_id, DocId::roster)?;
        if acc == DocAccess::None {
            return Err(AppError::new(
                code::NO_ACCESS,
                format!("документы класса {} вам не доступны", class.name()),
            ));
        }
        let name = class.name();
        let kind = req.kind;
        let needs_period = matches!(
            kind,
            ReportKind::PeriodCopy
                | ReportKind::ClassResults
                | ReportKind::Attendance
                | ReportKind::Extract
        );
        let period = req.period.map(Period::code);
        if needs_period && period.is_none() {
            return Err(invalid("выберите период"));
        }
        let month = match (kind, req.month.as_deref()) {
            (ReportKind::AttendanceMonth, m) => {
                let m = m.unwrap_or_default();
                Some(
                    m.split_once('-')
                        .and_then(|(y, mm)| Some((y.parse::<i32>().ok()?, mm.parse::<u32>().ok()?)))
                        .filter(|(_, mm)| (1..=12).contains(mm))
                        .ok_or_else(|| invalid(format!("«{m}» — не месяц: ожидается ГГГГ-ММ")))?,
                )
            }
            _ => None,
        };
        let mut student = None;
        let mut stem_student = String::new();
        if kind == ReportKind::Extract {
            let sid: StudentId =
                parse_id(req.student_id.as_deref().unwrap_or_default(), "ученика")?;
            let z = self.z()?;
            let class_struct = z.class(&name)?;
            let s = z
                .students(&class_struct)?
                .into_iter()
                .find(|s| s.id == sid)
                .ok_or_else(|| not_found("такого ученика в классе нет"))?;
            stem_student = format!("-{}", s.name.last);
            student = Some(s.name.full());
        }
        let request = Request {
            period,
            student,
            month,
            date: Some(school_today(&school)),
            two_sided: req.two_sided.unwrap_or(false),
            ..Request::new(kind, &name)
        };
        let rendered = self.z()?.report(&request, &mut |done, total| {
            progress(ReportProgress {
                done: done as u32,
                total: total as u32,
            })
        })?;
        // Named in the clerk's words: «7Б-копия-4-четверть.pdf».
        let title = |p: PeriodCode| p.title_ru().replace(' ', "-");
        let stem = match (kind, period, month) {
            (ReportKind::PeriodCopy, Some(p), _) => format!("копия-{}", title(p)),
            (ReportKind::YearJournal, ..) => "журнал-за-год".into(),
            (ReportKind::ClassResults, Some(p), _) => format!("итоги-{}", title(p)),
            (ReportKind::MarksSummary, ..) => "сводная-ведомость-успеваемости".into(),
            (ReportKind::Attendance, Some(p), _) => format!("посещаемость-{}", title(p)),
            (ReportKind::AttendanceMonth, _, Some((y, m))) => format!("посещаемость-{y}-{m:02}"),
            (ReportKind::Movement, ..) => "движение-учащихся".into(),
            (ReportKind::Monitoring, ..) => "мониторинг".into(),
            (ReportKind::Extract, Some(p), _) => format!("выписка-{}{stem_student}", title(p)),
            (ReportKind::Letter, ..) => "письмо-родителям".into(),
            // A kind without its period or month was refused above.
            _ => "документ".into(),
        };
        std::fs::create_dir_all(out_dir).map_err(|e| {
            AppError::new(
                code::REPORT,
                format!("не удалось создать папку «{}»: {e}", out_dir.display()),
            )
        })?;
        let path = out_dir.join(format!("{name}-{stem}.pdf"));
        let tmp = path.with_extension("pdf.part");
        std::fs::write(&tmp, &rendered.pdf)
            .and_then(|_| std::fs::rename(&tmp, &path))
            .map_err(|e| {
                AppError::new(
                    code::REPORT,
                    format!("не удалось записать «{}»: {e}", path.display()),
                )
            })?;
        Ok(ReportResult {
            path: path.display().to_string(),
            pages: rendered.pages as u32,
            bytes: rendered.pdf.len() as u32,
            suggested: suggested_save_path(&path).display().to_string(),
        })
    }
}

/// Copies a document made by [`App::make_report`] to where the user chose: never onto the
/// document itself, and over another file only when `overwrite` says the user agreed (else
/// [`code::EXISTS`]).
pub fn save_report(path: &str, dest: &str, overwrite: bool) -> AppResult<()> {
    let dest = dest.trim();
    if dest.is_empty() {
        return Err(invalid("Укажите, куда сохранить документ"));
    }
    let source = Path::new(path);
    let target = Path::new(dest);
    let cannot = |e: std::io::Error| {
        AppError::new(code::REPORT, format!("Не удалось сохранить «{dest}»: {e}"))
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(invalid(format!(
            "Папки «{}» нет: выберите другую",
            dir.display()
        )));
    }
    if target.is_dir() {
        return Err(invalid(format!(
            "«{dest}» — это папка: допишите имя файла, например «{}»",
            target
                .join(source.file_name().unwrap_or_default())
                .display()
        )));
    }
    if target.exists() {
        // The same file under another name (a link, `..`): copying it onto itself would empty
        // it. The document is already there.
        let same = match (std::fs::canonicalize(source), std::fs::canonicalize(target)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same {
            return Err(invalid(format!(
                "Документ уже лежит в «{dest}»: выберите другую папку или другое имя"
            )));
        }
        if !overwrite {
            return Err(AppError::new(
                code::EXISTS,
                format!("Файл «{dest}» уже есть. Заменить его этим документом?"),
            ));
        }
    }
    // Written beside the target and renamed over it: a failure halfway (a full stick, a pulled
    // cable) leaves the old file as it was, never a truncated one.
    let tmp = dir.join(format!(
        ".{}.zhurnal-{}.tmp",
        target.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::copy(source, &tmp)
        .and_then(|_| std::fs::File::open(&tmp).and_then(|f| f.sync_all()))
        .and_then(|_| std::fs::rename(&tmp, target));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(cannot(e));
    }
    Ok(())
}

/// Where the app proposes to save a document: the user's documents folder (`XDG_DOCUMENTS_DIR`,
/// then `~/.config/user-dirs.dirs`, then `~/Документы`, `~/Documents`; on Windows the profile's
/// `Documents`), else the home folder, with the document's own file name.
pub fn suggested_save_path(made: &Path) -> PathBuf {
    let name = made.file_name().unwrap_or_default();
    documents_dir().join(name)
}

fn documents_dir() -> PathBuf {
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    documents_dir_of(
        &home,
        std::env::var("XDG_DOCUMENTS_DIR").ok(),
        std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from),
    )
}

/// [`documents_dir`] for a given home folder and environment.
pub(super) fn documents_dir_of(
    home: &Path,
    xdg_documents: Option<String>,
    config: Option<PathBuf>,
) -> PathBuf {
    let expand = |v: &str| -> PathBuf {
        let v = v.trim().trim_matches('"');
        match v.strip_prefix("$HOME") {
            Some(rest) => home.join(rest.trim_start_matches('/')),
            None => PathBuf::from(v),
        }
    };
    let config = config.unwrap_or_else(|| home.join(".config"));
    let from_file = std::fs::read_to_string(config.join("user-dirs.dirs"))
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix("XDG_DOCUMENTS_DIR=").map(expand))
        });
    xdg_documents
        .map(|v| expand(&v))
        .into_iter()
        .chain(from_file)
        .chain([home.join("Документы"), home.join("Documents")])
        .find(|d| d.is_dir() && d != home)
        .unwrap_or_else(|| home.to_path_buf())
}

/// Pages of a PDF: its page objects (`/Type /Page`, not `/Pages`).
pub fn pdf_pages(pdf: &[u8]) -> u32 {
    let mut n = 0;
    let mut i = 0;
    while i + 10 <= pdf.len() {
        if &pdf[i..i + 5] == b"/Type" {
            let mut j = i + 5;
            while j < pdf.len() && (pdf[j] == b' ' || pdf[j] == b'\n' || pdf[j] == b'\r') {
                j += 1;
            }
            if pdf[j..].starts_with(b"/Page") && !pdf[j..].starts_with(b"/Pages") {
                n += 1;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    n
}

/// The pages to print as typed («3», «3-5», «1, 4–6»), checked against the document's
/// `pages`, as a CUPS page list (`1,4-6`); `None` (empty) is the whole document.
pub fn page_list(text: &str, pages: u32) -> AppResult<Option<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let bad = || {
        invalid(format!(
            "Страницы для печати — номера от 1 до {pages} через запятую или диапазоны через дефис: «3», «1-4, 7», а не «{text}»"
        ))
    };
    let number = |t: &str| -> AppResult<u32> {
        let n: u32 = t.trim().parse().map_err(|_| bad())?;
        if n == 0 || n > pages {
            return Err(invalid(format!(
                "В документе {}: страницы {n} в нём нет",
                count_pages(pages)
            )));
        }
        Ok(n)
    };
    let mut parts = Vec::new();
    for part in text.split([',', ';']) {
        let part = part.trim();
        if part.is_empty() {
            return Err(bad());
        }
        let dash = part.find(['-', '–', '—']);
        match dash {
            None => parts.push(number(part)?.to_string()),
            Some(i) => {
                let dash_len = part[i..].chars().next().map_or(1, char::len_utf8);
                let (a, b) = (number(&part[..i])?, number(&part[i + dash_len..])?);
                if a > b {
                    return Err(bad());
                }
                parts.push(if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                });
            }
        }
    }
    Ok(Some(parts.join(",")))
}

fn count_pages(n: u32) -> String {
    let word = match (n % 10, n % 100) {
        (1, r) if r != 11 => "страница",
        (2..=4, r) if !(12..=14).contains(&r) => "страницы",
        _ => "страниц",
    };
    format!("{n} {word}")
}
