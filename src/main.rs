//! The `cardfarm` binary: flags and dispatch. Each subcommand lives in `cli/`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc keeps the per-card buffers (an 8 MB pixmap, a 6 MB RGB copy, the PNG) warm between
/// cards; the system allocator hands them back to the kernel and page-faults them in again,
/// which costs a third of a card's time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    // Every panic is logged with its location and counted (cardfarm_panics_total); those
    // inside a render are also caught and reported as that card's error, anything else below.
    cardfarm::metrics::install_panic_hook();
    match std::panic::catch_unwind(|| cli::run(args)) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            cli::report(&e);
            ExitCode::from(2)
        }
        Err(payload) => {
            let message = cardfarm::error::panic_message(payload.as_ref());
            eprintln!("error: internal error: {message}");
            eprintln!("hint: this is a bug in cardfarm; please report it with the command you ran");
            ExitCode::from(70)
        }
    }
}
