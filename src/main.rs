mod ui;

use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    if let Err(e) = color_eyre::install() {
        eprintln!("hostwiz: cannot install the error reporter: {e}");
    }
    ui::cli::run(std::env::args_os())
}
