mod allocator;
mod ui;

use std::process::ExitCode;

fn main() -> ExitCode {
    #[cfg(not(target_os = "linux"))]
    allocator::tune();
    if let Err(e) = color_eyre::install() {
        eprintln!("hostwiz: cannot install the error reporter: {e}");
    }
    ui::cli::run(std::env::args_os())
}
