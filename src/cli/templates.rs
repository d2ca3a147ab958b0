//! `cardfarm templates`: what can be rendered, and in which locales.

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
    let catalogs = renderer.templates().catalogs();
    println!(
        "\nlocales: {}",
        catalogs.tags().collect::<Vec<_>>().join(", ")
    );
    let missing = catalogs.missing();
    if !missing.is_empty() {
        println!(
            "{} messages fall back (first: {} `{}`)",
            missing.len(),
            missing[0].0,
            missing[0].1
        );
    }
    Ok(ExitCode::SUCCESS)
}
