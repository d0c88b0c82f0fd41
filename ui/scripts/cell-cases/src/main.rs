//! Reads a JSON list of inputs on stdin; prints, one line per input, `[input, shown, error]`:
//! what `CellInput::parse` makes of it (the cell as displayed) or its error message.
use std::io::Read;
use zhurnal_domain::CellInput;

fn main() {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s).expect("stdin");
    let inputs: Vec<String> = serde_json::from_str(&s).expect("a JSON list of strings");
    println!("[");
    for (n, i) in inputs.iter().enumerate() {
        let row = match CellInput::parse(i) {
            Ok(c) => serde_json::json!([i, c.display(), null]),
            Err(e) => serde_json::json!([i, null, e.to_string()]),
        };
        let sep = if n + 1 < inputs.len() { "," } else { "" };
        println!("{row}{sep}");
    }
    println!("]");
}
