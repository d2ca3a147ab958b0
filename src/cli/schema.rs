//! `cardfarm schema`: the JSON Schema of the stats format.

use std::process::ExitCode;

pub fn run() -> anyhow::Result<ExitCode> {
    println!("{:#}", cardfarm::card::model::json_schema());
    Ok(ExitCode::SUCCESS)
}
