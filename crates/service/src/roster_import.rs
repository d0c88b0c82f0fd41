//! Loading a class list from CSV (as Excel saves it: `;` or `,`, UTF-8 or Windows-1251) or XLSX.
//!
//! The first row is a header naming the columns: «Фамилия», «Имя», «Отчество», «Дата рождения»
//! (or one «ФИО» column instead of the first three). Every row is checked before anything is
//! imported; a file with any bad row imports nothing and every bad row is reported by number.

use crate::error::{Result, RowError, ServiceError};
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::path::Path;
use zhurnal_domain::{PersonName, Student, StudentId};
use zhurnal_journal::roster::NewStudent;

/// One data row of the file, as text, with its line number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterRow {
    pub line: usize,
    pub cells: Vec<String>,
}

/// Decodes Windows-1251 (what Excel on a Russian Windows saves CSV in).
fn decode_cp1251(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x00..=0x7F => b as char,
            0xC0..=0xFF => char::from_u32(0x0410 + (b as u32 - 0xC0)).expect("Cyrillic range"),
            0xA8 => 'Ё',
            0xB8 => 'ё',
            0xB9 => '№',
            0xAB => '«',
            0xBB => '»',
            0x96 => '–',
            0x97 => '—',
            0xA0 => '\u{a0}',
            _ => '\u{fffd}',
        })
        .collect()
}

fn read_csv(bytes: &[u8]) -> Result<Vec<RosterRow>, String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.trim_start_matches('\u{feff}').to_string(),
        Err(_) => decode_cp1251(bytes),
    };
    let first = text.lines().next().unwrap_or_default();
    let delimiter = [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b';');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| format!("строка {}: {e}", i + 1))?;
        let line = rec.position().map_or(i + 1, |p| p.line() as usize);
        rows.push(RosterRow {
            line,
            cells: rec.iter().map(|c| c.trim().to_string()).collect(),
        });
    }
    Ok(rows)
}

fn read_xlsx(path: &Path) -> Result<Vec<RosterRow>, String> {
    use calamine::{open_workbook_auto, Data, DataType, Reader};
    let mut wb =
        open_workbook_auto(path).map_err(|e| format!("не удалось открыть таблицу: {e}"))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or("в книге нет листов")?
        .map_err(|e| format!("не удалось прочитать первый лист: {e}"))?;
    let start = range.start().map_or(0, |(r, _)| r as usize);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, row)| RosterRow {
            line: start + i + 1,
            cells: row
                .iter()
                .map(|c| match c {
                    Data::DateTime(_) | Data::DateTimeIso(_) => c
                        .as_date()
                        .map(|d| d.format("%d.%m.%Y").to_string())
                        .unwrap_or_default(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    other => other.to_string().trim().to_string(),
                })
                .collect(),
        })
        .collect())
}

/// Reads every row of a CSV or XLSX file (the header included).
pub(crate) fn read_file(path: &Path) -> Result<Vec<RosterRow>> {
    let file_err = |message: String| ServiceError::File {
        path: path.display().to_string(),
        message,
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_lowercase();
    match ext.as_str() {
        "xlsx" | "xls" | "ods" => read_xlsx(path).map_err(file_err),
        _ => {
            let bytes =
                std::fs::read(path).map_err(|e| file_err(format!("не удалось прочитать: {e}")))?;
            read_csv(&bytes).map_err(file_err)
        }
    }
}

/// Column positions found in the header.
struct Columns {
    fio: Option<usize>,
    last: Option<usize>,
    first: Option<usize>,
    middle: Option<usize>,
    birth: Option<usize>,
}

fn columns(header: &RosterRow) -> Result<Columns, RowError> {
    let find = |names: &[&str]| {
        header.cells.iter().position(|c| {
            let c = c.to_lowercase().replace('ё', "е");
            names.iter().any(|n| c == *n)
        })
    };
    let cols = Columns {
        fio: find(&["фио", "ф.и.о.", "ф. и. о."]),
        last: find(&["фамилия"]),
        first: find(&["имя"]),
        middle: find(&["отчество"]),
        birth: find(&["дата рождения", "дата рожд.", "др"]),
    };
    if cols.fio.is_none() && (cols.last.is_none() || cols.first.is_none()) {
        return Err(RowError {
            line: header.line,
            message: "нет заголовка: первая строка должна называть столбцы «Фамилия», «Имя», «Отчество», «Дата рождения» (или «ФИО»)".into(),
        });
    }
    Ok(cols)
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    ["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
}

fn check_name_part(what: &str, value: &str, required: bool) -> Result<(), String> {
    if value.is_empty() {
        return if required {
            Err(format!("не указано: {what}"))
        } else {
            Ok(())
        };
    }
    if !value
        .chars()
        .all(|c| c.is_alphabetic() || c == '-' || c == ' ' || c == '\'')
    {
        return Err(format!("{what} «{value}» содержит недопустимые знаки"));
    }
    Ok(())
}

/// A student read from one row of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedStudent {
    pub line: usize,
    pub name: PersonName,
    pub birth_date: Option<NaiveDate>,
}

/// Parses rows into students without touching any store; all errors are collected.
pub fn parse_roster(
    rows: &[RosterRow],
    today: NaiveDate,
) -> Result<Vec<ParsedStudent>, Vec<RowError>> {
    let Some(header) = rows.first() else {
        return Err(vec![RowError {
            line: 1,
            message: "файл пуст".into(),
        }]);
    };
    let cols = columns(header).map_err(|e| vec![e])?;
    let get = |row: &RosterRow, i: Option<usize>| {
        i.and_then(|i| row.cells.get(i))
            .cloned()
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for row in &rows[1..] {
        if row.cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        let (last, first, middle) = match cols.fio {
            Some(i) => {
                let fio = get(row, Some(i));
                let mut parts = fio.split_whitespace();
                let last = parts.next().unwrap_or_default().to_string();
                let first = parts.next().unwrap_or_default().to_string();
                (last, first, parts.collect::<Vec<_>>().join(" "))
            }
            None => (
                get(row, cols.last),
                get(row, cols.first),
                get(row, cols.middle),
            ),
        };
        let mut problems = Vec::new();
        for (what, v, req) in [
            ("фамилия", &last, true),
            ("имя", &first, true),
            ("отчество", &middle, false),
        ] {
            if let Err(e) = check_name_part(what, v, req) {
                problems.push(e);
            }
        }
        let birth_text = get(row, cols.birth);
        let birth = if birth_text.is_empty() {
            None
        } else {
            match parse_date(&birth_text) {
                Some(d) if d < today && d.year_ce().1 >= 1990 => Some(d),
                Some(_) => {
                    problems.push(format!(
                        "дата рождения «{birth_text}» невозможна для ученика"
                    ));
                    None
                }
                None => {
                    problems.push(format!("«{birth_text}» — не дата (ожидается ДД.ММ.ГГГГ)"));
                    None
                }
            }
        };
        if problems.is_empty() {
            out.push(ParsedStudent {
                line: row.line,
                name: PersonName {
                    last,
                    first,
                    middle,
                },
                birth_date: birth,
            });
        } else {
            errors.extend(problems.into_iter().map(|message| RowError {
                line: row.line,
                message,
            }));
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

use chrono::Datelike;

/// Checks rows against each other and the class list; returns the students to add.
pub(crate) fn check_rows(rows: &[RosterRow], existing: &[Student]) -> Result<Vec<NewStudent>> {
    let today = chrono::Local::now().date_naive();
    let parsed = parse_roster(rows, today).map_err(ServiceError::Roster)?;
    let mut errors = Vec::new();
    let mut seen: BTreeSet<String> = existing.iter().map(|s| s.name.sort_key()).collect();
    let mut out = Vec::new();
    for ParsedStudent {
        line,
        name,
        birth_date,
    } in parsed
    {
        if !seen.insert(name.sort_key()) {
            let in_class = existing
                .iter()
                .any(|s| s.name.sort_key() == name.sort_key());
            let message = if in_class {
                format!("{} уже есть в списке класса", name.full())
            } else {
                format!("{} встречается в файле дважды", name.full())
            };
            errors.push(RowError { line, message });
            continue;
        }
        out.push(NewStudent {
            id: StudentId::new_random(),
            name,
            birth_date,
        });
    }
    if !errors.is_empty() {
        return Err(ServiceError::Roster(errors));
    }
    if out.is_empty() {
        return Err(ServiceError::Roster(vec![RowError {
            line: 2,
            message: "в файле нет ни одного ученика".into(),
        }]));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<RosterRow> {
        read_csv(text.as_bytes()).unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn excel_csv_with_semicolons_and_a_bom_is_read() {
        let r = rows("\u{feff}Фамилия;Имя;Отчество;Дата рождения\nИванов;Пётр;Сергеевич;01.02.2013\n;;;\nПетрова;Анна;;2013-05-06\n");
        let p = parse_roster(&r, today()).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].name.full(), "Иванов Пётр Сергеевич");
        assert_eq!(p[1].birth_date, NaiveDate::from_ymd_opt(2013, 5, 6));
        assert_eq!(
            p[1].line, 4,
            "line numbers count the header and blank lines"
        );
    }

    #[test]
    fn windows_1251_is_decoded() {
        // "ФИО\nИванов Пётр\n" in Windows-1251.
        let bytes: Vec<u8> = vec![
            0xD4, 0xC8, 0xCE, b'\n', 0xC8, 0xE2, 0xE0, 0xED, 0xEE, 0xE2, b' ', 0xCF, 0xB8, 0xF2,
            0xF0, b'\n',
        ];
        let p = parse_roster(&read_csv(&bytes).unwrap(), today()).unwrap();
        assert_eq!(p[0].name.full(), "Иванов Пётр");
    }

    #[test]
    fn every_bad_row_is_reported_by_line() {
        let r = rows("Фамилия,Имя,Дата рождения\nИванов,,01.01.2013\nСидоров2,Олег,31.02.2013\nКузнецов,Иван,01.01.2030\n");
        let errs = parse_roster(&r, today()).unwrap_err();
        let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert!(
            text.iter()
                .any(|t| t.starts_with("строка 2:") && t.contains("имя")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.starts_with("строка 3:") && t.contains("Сидоров2")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.starts_with("строка 3:") && t.contains("31.02.2013")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.starts_with("строка 4:") && t.contains("невозможна")),
            "{text:?}"
        );
    }

    #[test]
    fn an_xlsx_list_with_real_dates_is_read() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("7Б.xlsx");
        let mut wb = Workbook::new();
        let sheet = wb.add_worksheet();
        let date = Format::new().set_num_format("dd.mm.yyyy");
        for (c, h) in ["Фамилия", "Имя", "Отчество", "Дата рождения"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "Ёлкина").unwrap();
        sheet.write_string(1, 1, "Анна").unwrap();
        sheet.write_string(1, 2, "Сергеевна").unwrap();
        let born = ExcelDateTime::from_ymd(2012, 4, 30).unwrap();
        sheet
            .write_datetime_with_format(1, 3, &born, &date)
            .unwrap();
        sheet.write_string(2, 0, "Петров").unwrap();
        sheet.write_string(2, 1, "Илья").unwrap();
        sheet.write_string(2, 3, "01.09.2012").unwrap();
        wb.save(&path).unwrap();

        let rows = read_file(&path).unwrap();
        let p = parse_roster(&rows, today()).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].name.full(), "Ёлкина Анна Сергеевна");
        assert_eq!(
            p[0].birth_date,
            NaiveDate::from_ymd_opt(2012, 4, 30),
            "a real Excel date cell"
        );
        assert_eq!(
            p[1].birth_date,
            NaiveDate::from_ymd_opt(2012, 9, 1),
            "a date typed as text"
        );
        assert_eq!(p[1].line, 3);
    }

    #[test]
    fn a_file_without_a_header_is_refused() {
        let errs = parse_roster(&rows("Иванов;Пётр\n"), today()).unwrap_err();
        assert!(errs[0].message.contains("заголовка"));
    }
}
