//! `cardfarm templates`: what can be rendered.

use std::process::ExitCode;

use cardfarm::Renderer;

pub fn run(renderer: &Renderer) -> anyhow::Result<ExitCode> {
    for t in renderer.templates().iter() {
        let formats: Vec<String> = t
            .formats
            .values()
            .map(|f| format!("{} {}×{}", f.name, f.width, f.height))
            .collect();
        println!(
            "{:<16} {:<40} {}",
            t.name,
            formats.join(", "),
            t.description
        );
    }
    Ok(ExitCode::SUCCESS)
}
