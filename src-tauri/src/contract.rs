//! The command table, checked where it is written three times: the shell's `#[tauri::command]`
//! functions and their `generate_handler!` list (this crate), the typed wrappers of
//! `ui/src/api.ts`, and `docs/app-commands.md`. A command added, renamed or given another
//! argument or result in one place and not the others fails here, as the generated bindings
//! fail their test: the window would otherwise call a command the shell does not have, or send
//! an argument under a name Tauri does not match.

use std::collections::{BTreeMap, BTreeSet};

/// The shell's files that declare commands; `generate_handler!` is in the first.
const SHELL: &[&str] = &[
    include_str!("lib.rs"),
    include_str!("files.rs"),
    include_str!("link.rs"),
];
const API: &str = include_str!("../../ui/src/api.ts");
const DOCS: &str = include_str!("../../docs/app-commands.md");

/// One command as the shell declares it.
#[derive(Debug)]
struct Command {
    /// Argument names with whether they may be left out (`Option<…>`).
    args: Vec<(String, bool)>,
    /// The result as TypeScript spells it (`AppResult<Vec<StaffView>>` → `StaffView[]`).
    result: String,
}

/// The `#[tauri::command]` functions of the shell.
fn shell_commands() -> BTreeMap<String, Command> {
    let mut out = BTreeMap::new();
    for part in SHELL
        .iter()
        .flat_map(|f| f.split("#[tauri::command]").skip(1))
    {
        let sig = &part[..part.find('{').expect("a body")];
        let name_at = sig.find("fn ").expect("fn") + 3;
        let name: String = sig[name_at..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let open = name_at + sig[name_at..].find('(').expect("(");
        let close = matching(sig, open);
        let mut args = Vec::new();
        for param in split_top(&sig[open + 1..close]) {
            let Some((arg, ty)) = param.split_once(':') else {
                continue;
            };
            let ty = ty.trim();
            // What Tauri injects rather than the window sends.
            if ["State<", "tauri::", "AppHandle"]
                .iter()
                .any(|p| ty.starts_with(p))
            {
                continue;
            }
            args.push((arg.trim().to_string(), ty.starts_with("Option<")));
        }
        let result = sig[close + 1..]
            .trim()
            .strip_prefix("->")
            .map(|r| ts_type(r.trim()))
            .unwrap_or_else(|| "null".into());
        out.insert(name, Command { args, result });
    }
    out
}

/// The index of the `)` matching the `(` at `open`.
fn matching(s: &str, open: usize) -> usize {
    let mut depth = 0;
    for (i, c) in s.char_indices().skip_while(|(i, _)| *i < open) {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    panic!("no matching parenthesis in {s}");
}

/// `s` split at the commas outside `<…>`, `(…)` and `{…}`.
fn split_top(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut depth) = (Vec::new(), String::new(), 0i32);
    for c in s.chars() {
        match c {
            '<' | '(' | '{' => depth += 1,
            '>' | ')' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// A Rust result type as the TypeScript of `ui/src/api.ts` writes it.
fn ts_type(rust: &str) -> String {
    let rust = rust.trim();
    let inner = |prefix: &str| {
        rust.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix('>'))
            .map(str::trim)
    };
    if let Some(t) = inner("AppResult<") {
        return ts_type(t);
    }
    if let Some(t) = inner("Vec<") {
        return format!("{}[]", ts_type(t));
    }
    if let Some(t) = inner("Option<") {
        return format!("{} | null", ts_type(t));
    }
    match rust {
        "()" => "null".into(),
        "String" | "&str" => "string".into(),
        "bool" => "boolean".into(),
        "u32" | "u64" | "usize" | "i64" => "number".into(),
        other => other.rsplit("::").next().unwrap_or(other).to_string(),
    }
}

/// One wrapper of `tauriApi`: the `Api` method, the command it calls, the keys it sends.
#[derive(Debug)]
struct Wrapper {
    method: String,
    command: String,
    keys: BTreeSet<String>,
}

fn api_wrappers() -> Vec<Wrapper> {
    let body = &API[API.find("kind: \"tauri\"").expect("tauriApi")..];
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find("call(\"") {
        // The method: the last `name:` before the call.
        let method = rest[..at]
            .lines()
            .rev()
            .map(str::trim_start)
            .find_map(|l| {
                let name: String = l.chars().take_while(|c| c.is_alphanumeric()).collect();
                (!name.is_empty() && l[name.len()..].starts_with(':')).then_some(name)
            })
            .expect("a method before the call");
        let after = &rest[at + 6..];
        let command = after[..after.find('"').expect("a name")].to_string();
        let tail = &after[command.len() + 1..];
        let keys = if tail.trim_start().starts_with(',') {
            let open = tail.find('{').expect("the arguments");
            let close = open + tail[open..].find('}').expect("their end");
            split_top(&tail[open + 1..close])
                .into_iter()
                .map(|k| k.split(':').next().unwrap_or("").trim().to_string())
                .collect()
        } else {
            BTreeSet::new()
        };
        rest = &after[command.len()..];
        out.push(Wrapper {
            method,
            command,
            keys,
        });
    }
    out
}

/// The `Api` interface's methods and the result each promises (`Promise<Result<T>>` → `T`).
fn api_results() -> BTreeMap<String, String> {
    let start = API
        .find("export interface Api {")
        .expect("the Api interface");
    let end = start + API[start..].find("\n}").expect("its end");
    let mut out = BTreeMap::new();
    for line in API[start..end].lines() {
        let line = line.trim();
        let Some(paren) = line.find('(') else {
            continue;
        };
        let Some(r) = line.rfind("Promise<Result<") else {
            continue;
        };
        let method = &line[..paren];
        if !method.chars().all(char::is_alphanumeric) {
            continue;
        }
        let t = line[r + "Promise<Result<".len()..]
            .trim_end_matches(';')
            .trim_end_matches(">>");
        out.insert(method.to_string(), t.trim().to_string());
    }
    out
}

/// The names in `generate_handler![…]`.
fn registered() -> BTreeSet<String> {
    let at = SHELL[0]
        .find("generate_handler![")
        .expect("generate_handler!");
    let list = &SHELL[0][at + "generate_handler![".len()..];
    let list = &list[..list.find(']').expect("its end")];
    // `files::make_report` is the command `make_report`.
    split_top(list)
        .into_iter()
        .map(|n| n.rsplit("::").next().unwrap_or(&n).to_string())
        .collect()
}

#[test]
fn every_command_is_registered_wrapped_and_documented_alike() {
    let shell = shell_commands();
    assert!(shell.len() > 30, "{shell:?}");
    let names: BTreeSet<String> = shell.keys().cloned().collect();
    assert_eq!(
        registered(),
        names,
        "generate_handler! and the commands differ"
    );

    let wrappers = api_wrappers();
    let wrapped: BTreeSet<String> = wrappers.iter().map(|w| w.command.clone()).collect();
    assert_eq!(
        wrapped, names,
        "ui/src/api.ts calls other commands than the shell has"
    );
    let results = api_results();
    for w in &wrappers {
        let c = &shell[&w.command];
        let sent = &w.keys;
        let known: BTreeSet<String> = c.args.iter().map(|(a, _)| a.clone()).collect();
        let needed: BTreeSet<String> = c
            .args
            .iter()
            .filter(|(_, optional)| !optional)
            .map(|(a, _)| a.clone())
            .collect();
        assert!(
            sent.is_subset(&known),
            "{}: api.ts sends {sent:?}, the shell takes {known:?}",
            w.command
        );
        assert!(
            needed.is_subset(sent),
            "{}: the shell needs {needed:?}, api.ts sends {sent:?}",
            w.command
        );
        // Commands without an answer (`close_seen`) resolve to null in the window.
        let promised = results
            .get(&w.method)
            .unwrap_or_else(|| panic!("Api has no method {}", w.method));
        assert_eq!(
            promised, &c.result,
            "{}: api.ts promises {promised}, the shell answers {}",
            w.command, c.result
        );
    }

    let undocumented: Vec<&String> = names
        .iter()
        .filter(|n| !DOCS.contains(&format!("`{n}(")))
        .collect();
    assert!(
        undocumented.is_empty(),
        "docs/app-commands.md does not describe {undocumented:?}"
    );
}

#[test]
fn the_checker_reads_the_shapes_it_checks() {
    assert_eq!(ts_type("AppResult<Vec<view::SchoolFile>>"), "SchoolFile[]");
    assert_eq!(ts_type("AppResult<Option<Undone>>"), "Undone | null");
    assert_eq!(ts_type("AppResult<()>"), "null");
    assert_eq!(ts_type("Vec<String>"), "string[]");
    assert_eq!(
        split_top("a: State<'_, Shared>, b: Option<String>"),
        vec!["a: State<'_, Shared>", "b: Option<String>"]
    );
    let shell = shell_commands();
    let set_pin = &shell["set_pin"];
    assert_eq!(
        set_pin.args,
        vec![("current".to_string(), true), ("new".to_string(), true)]
    );
    let w = api_wrappers();
    let open_lesson = w.iter().find(|w| w.command == "open_lesson").unwrap();
    assert_eq!(open_lesson.method, "openLesson");
    assert_eq!(open_lesson.keys.len(), 5, "{open_lesson:?}");
}
