//! The deployment files are valid and keep their promises: the NATS example requires
//! authorization and passes `nats-server -t`; the Kubernetes manifests parse, name a versioned
//! image, probe `/healthz` and `/readyz`, and take secrets from Secrets; the Dockerfile labels
//! the image with its version.

mod common;

use std::path::Path;
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

fn documents(file: &str) -> Vec<Yaml> {
    let path = common::repo().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The first container of the Deployment in `file`.
fn container(file: &str) -> Yaml {
    let docs = documents(file);
    let deployment = docs
        .iter()
        .find(|d| d["kind"].as_str() == Some("Deployment"))
        .unwrap_or_else(|| panic!("{file}: no Deployment"));
    deployment["spec"]["template"]["spec"]["containers"][0].clone()
}

fn assert_probes(file: &str, c: &Yaml) {
    for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
        let get = &c[probe]["httpGet"];
        assert_eq!(get["path"].as_str(), Some(path), "{file}: {probe}");
        let port = get["port"].as_str().expect("a named port");
        let ports = c["ports"].as_vec().expect("ports");
        assert!(
            ports.iter().any(|p| p["name"].as_str() == Some(port)),
            "{file}: {probe} probes port {port}, which the container does not name"
        );
    }
}

fn assert_versioned_image(file: &str, c: &Yaml) {
    let image = c["image"].as_str().expect("an image");
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        image.ends_with(&format!(":{version}")),
        "{file}: image {image} is not tagged with the crate's version {version}"
    );
}

/// The env var `name` of container `c` comes from a Secret.
fn assert_secret(file: &str, c: &Yaml, name: &str) {
    let env = c["env"].as_vec().expect("env");
    let var = env
        .iter()
        .find(|e| e["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("{file}: no {name}"));
    assert!(
        !var["valueFrom"]["secretKeyRef"]["name"].is_badvalue(),
        "{file}: {name} is not from a Secret"
    );
}

#[test]
fn the_worker_manifest_probes_health_and_readiness() {
    let file = "deploy/k8s/worker.yaml";
    let c = container(file);
    assert_probes(file, &c);
    assert_versioned_image(file, &c);
    assert_secret(file, &c, "CARDFARM_NATS");
    assert_secret(file, &c, "AWS_SECRET_ACCESS_KEY");
}

#[test]
fn the_server_manifest_probes_and_takes_its_keys_from_a_secret() {
    let file = "deploy/k8s/server.yaml";
    let c = container(file);
    assert_probes(file, &c);
    assert_versioned_image(file, &c);
    for name in [
        "CARDFARM_DATA",
        "CARDFARM_SIGNING_KEY",
        "CARDFARM_SIGNING_KEY_PREVIOUS",
        "CARDFARM_API_KEY",
    ] {
        assert_secret(file, &c, name);
    }
    for kind in ["requests", "limits"] {
        for resource in ["cpu", "memory"] {
            assert!(
                c["resources"][kind][resource].as_str().is_some(),
                "{file}: no {kind}.{resource}"
            );
        }
    }
    let args: Vec<&str> = c["args"]
        .as_vec()
        .expect("args")
        .iter()
        .filter_map(Yaml::as_str)
        .collect();
    assert_eq!(args.first(), Some(&"serve"), "{file}");
}

#[test]
fn the_dockerfile_labels_the_image_with_its_version() {
    let text = std::fs::read_to_string(common::repo().join("deploy/Dockerfile")).unwrap();
    assert!(
        text.contains("org.opencontainers.image.version"),
        "no version label"
    );
    let default = format!("ARG VERSION={}", env!("CARGO_PKG_VERSION"));
    assert!(
        text.contains(&default),
        "the Dockerfile's VERSION is not the crate's"
    );
}

const NATS_SERVER: &str = "/usr/sbin/nats-server";

#[test]
fn the_example_nats_config_is_valid_and_requires_authorization() {
    let config = common::repo().join("deploy/nats/nats-server.conf");
    let text = std::fs::read_to_string(&config).unwrap();
    let settings: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .collect();
    assert!(
        settings.iter().any(|l| l.starts_with("accounts")),
        "no accounts in {}",
        config.display()
    );
    assert!(
        !settings.iter().any(|l| l.starts_with("no_auth_user")),
        "a default user lets anyone in"
    );
    assert!(
        text.contains("tls {"),
        "no TLS settings in {}",
        config.display()
    );
    assert!(
        Path::new(NATS_SERVER).exists(),
        "{NATS_SERVER} is missing: install the nats-server package"
    );
    let out = Command::new(NATS_SERVER)
        .args(["-t", "-c"])
        .arg(&config)
        .env("NATS_SERVER_NAME", "nats-0")
        .env("NATS_WORKER_PASSWORD", "w")
        .env("NATS_ENQUEUE_PASSWORD", "e")
        .env("NATS_SYSTEM_PASSWORD", "s")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
