//! The `cardfarm` binary: flags and dispatch. Each subcommand lives in `cli/`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            cli::report(&e);
            ExitCode::from(2)
        }
    }
}
