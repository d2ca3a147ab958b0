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
    // Panics inside a render are caught and reported as that card's error; silence the
    // default hook so no backtrace noise reaches the user, and catch anything else below.
    std::panic::set_hook(Box::new(|_| {}));
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
