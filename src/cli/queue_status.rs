//! `cardfarm queue-status`: the queue's pending, in-flight, completed and dead jobs as JSON.

use std::process::ExitCode;

use cardfarm::farm::queue;

pub fn run(args: super::QueueArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new()?;
    let status = runtime.block_on(async {
        let js = queue::connect_to(&args.endpoint()).await?;
        queue::status(&js, &args.stream).await
    })?;
    println!("{}", serde_json::to_string_pretty(&status)?);
    Ok(ExitCode::SUCCESS)
}
