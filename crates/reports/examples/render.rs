//! Prints a layout-markup file to PDF: `cargo run -p zhurnal-reports --example render -- IN.xml OUT.pdf`.
//! Handy while writing a template: render it, save the markup, look at the pages.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = args.as_slice() else {
        eprintln!("usage: render IN.xml OUT.pdf");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(input).unwrap_or_else(|e| {
        eprintln!("{input}: {e}");
        std::process::exit(1);
    });
    match zhurnal_reports::render_markup(&text) {
        Ok(pdf) => std::fs::write(output, pdf).unwrap_or_else(|e| {
            eprintln!("{output}: {e}");
            std::process::exit(1);
        }),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
