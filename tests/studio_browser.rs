//! The studio's real page in headless Chromium, driven over WebDriver (chromedriver and
//! fantoccini): the gallery shows every card, a saved template updates its card without a
//! reload, a broken template shows its error while the others still show, the stats editor
//! changes the name on a card, the safe-zone overlay toggles (a card opens with Enter), and the
//! lint's findings appear under a card and go when the template is fixed.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them). Screenshots of
//! every step are written to `target/studio-browser/`; look at them.

mod common;

use std::future::IntoFuture;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use cardfarm::studio;
use common::process::Running;
use common::studio::Studio;
use common::{net, repo, TempDir};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Loaded machines render the first cards slowly (every background is drawn once).
const FIRST_LOAD: Duration = Duration::from_secs(120);
const UPDATE: Duration = Duration::from_secs(30);

fn screenshots() -> PathBuf {
    let dir = repo().join("target/studio-browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// chromedriver on a free loopback port.
fn chromedriver() -> (Running, u16) {
    for program in [CHROMIUM, CHROMEDRIVER] {
        assert!(
            std::path::Path::new(program).exists(),
            "{program} is missing: `apt-get install -y chromium chromium-driver` (.ci/run does)"
        );
    }
    let port = net::free_port();
    let mut command = Command::new(CHROMEDRIVER);
    command.args([format!("--port={port}"), "--allowed-ips=127.0.0.1".into()]);
    let driver = Running::spawn(command).expect("chromedriver starts");
    common::wait_for("chromedriver to listen", Duration::from_secs(30), || {
        net::listening(port)
    });
    (driver, port)
}

/// A headless Chromium session. The flags keep it off the network (the machine's closed
/// network otherwise stalls it on updates and sync) and in a fresh profile.
async fn browser(driver_port: u16, profile: &TempDir) -> Client {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--force-device-scale-factor=1",
        "--window-size=1400,1000",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.path().display())])
    .collect::<Vec<_>>();
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({ "binary": CHROMIUM, "args": args }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("a Chromium session")
}

/// Evaluates `expression` in the page until it is true.
async fn until(client: &Client, what: &str, limit: Duration, expression: &str) {
    let deadline = Instant::now() + limit;
    let script = format!("return !!({expression});");
    loop {
        if client.execute(&script, vec![]).await.unwrap() == Value::Bool(true) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn eval(client: &Client, expression: &str) -> Value {
    client
        .execute(&format!("return ({expression});"), vec![])
        .await
        .unwrap()
}

async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    let path = screenshots().join(name);
    std::fs::write(&path, png).unwrap();
    eprintln!("screenshot: {}", path.display());
}

/// JS: the figure of a card, by `template/format`.
fn figure(key: &str) -> String {
    format!("document.querySelector('figure[data-key=\"{key}\"]')")
}

/// JS: every shown card image has loaded.
const ALL_LOADED: &str = "[...document.querySelectorAll('#gallery figure:not(.broken) img')]\
    .every(i => i.complete && i.naturalWidth > 0)";

/// JS: the RGBA of one pixel of a card image, read through a canvas (same origin).
fn pixel(key: &str, x: u32, y: u32) -> String {
    format!(
        "(() => {{ const i = {f}.querySelector('img'); const c = document.createElement('canvas'); \
         c.width = i.naturalWidth; c.height = i.naturalHeight; const g = c.getContext('2d'); \
         g.drawImage(i, 0, 0); return [...g.getImageData({x}, {y}, 1, 1).data]; }})()",
        f = figure(key)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_in_chromium() {
    let s = Studio::new("studio_browser", None, true);
    let _watcher = studio::watch(s.workspace.clone()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(axum::serve(listener, studio::app(s.workspace.clone())).into_future());

    let (_driver, port) = chromedriver();
    let profile = TempDir::new("studio_chromium");
    let client = browser(port, &profile).await;
    let result = tokio::spawn(steps(client.clone(), s, addr)).await;
    let _ = client.close().await;
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn steps(client: Client, s: Studio, addr: std::net::SocketAddr) {
    client
        .goto(&format!("http://{addr}/?who=fixture/typical"))
        .await
        .unwrap();

    // ── The gallery shows every card, each an <img> whose alt names template and format.
    let slots = s.workspace.slots();
    assert_eq!(slots.len(), 8);
    until(
        &client,
        "every card to load",
        FIRST_LOAD,
        &format!(
            "document.querySelectorAll('#gallery figure img').length === {} && {ALL_LOADED}",
            slots.len()
        ),
    )
    .await;
    let mut alts = Vec::new();
    for img in client
        .find_all(Locator::Css("#gallery figure img"))
        .await
        .unwrap()
    {
        alts.push(img.attr("alt").await.unwrap().unwrap_or_default());
    }
    for slot in &slots {
        let name = format!("{} {} card", slot.template, slot.format);
        assert!(
            alts.iter().any(|a| a.starts_with(&name)),
            "no <img> alt `{name}`: {alts:?}"
        );
    }
    screenshot(&client, "1-gallery.png").await;

    // ── Saving a template updates its card on the page, without a reload.
    client
        .execute("window.notReloaded = true; return 0;", vec![])
        .await
        .unwrap();
    let key = "minutes/story";
    let old_src = eval(
        &client,
        &format!("{}.querySelector('img').getAttribute('src')", figure(key)),
    )
    .await;
    let songs_src = format!(
        "{}.querySelector('img').getAttribute('src')",
        figure("top-songs/story")
    );
    let songs_before = eval(&client, &songs_src).await;
    let layer = s.template_file("minutes/story.svg.hbs");
    let original = std::fs::read_to_string(&layer).unwrap();
    std::fs::write(
        &layer,
        original.replace(
            "</svg>",
            "<rect x=\"0\" y=\"0\" width=\"200\" height=\"200\" fill=\"#ff00ff\"/></svg>",
        ),
    )
    .unwrap();
    let saved = Instant::now();
    until(
        &client,
        "the saved template's card",
        UPDATE,
        &format!(
            "{f}.querySelector('img').getAttribute('src') !== {old} && {f}.querySelector('img').complete \
             && {f}.querySelector('img').naturalWidth > 0 && {px}[1] === 0",
            f = figure(key),
            old = old_src,
            px = pixel(key, 100, 100)
        ),
    )
    .await;
    let elapsed = saved.elapsed();
    assert_eq!(
        eval(&client, &pixel(key, 100, 100)).await,
        json!([255, 0, 255, 255])
    );
    assert_eq!(
        eval(&client, "window.notReloaded === true").await,
        json!(true),
        "the page reloaded"
    );
    eprintln!(
        "template saved → card on the page: {} ms",
        elapsed.as_millis()
    );
    // Only the saved template's cards were fetched again.
    assert_eq!(eval(&client, &songs_src).await, songs_before);
    screenshot(&client, "2-template-saved.png").await;

    // ── A broken template shows its error in place of its card; the others still show.
    let songs = s.template_file("top-songs/story.svg.hbs");
    let songs_text = std::fs::read_to_string(&songs).unwrap();
    let mut lines: Vec<&str> = songs_text.lines().collect();
    lines.insert(2, "{{#each top_tracks}}");
    std::fs::write(&songs, lines.join("\n")).unwrap();
    let broken = figure("top-songs/story");
    until(
        &client,
        "the broken template's error",
        UPDATE,
        &format!("{broken}.querySelector('.card-error').textContent.includes('story.svg.hbs') && !{broken}.querySelector('.card-error').hidden"),
    )
    .await;
    let error = eval(
        &client,
        &format!("{broken}.querySelector('.card-error').textContent"),
    )
    .await;
    let error = error.as_str().unwrap();
    assert!(
        error.contains("top-songs/story.svg.hbs") && error.contains("line "),
        "{error}"
    );
    until(&client, "the other cards", UPDATE, ALL_LOADED).await;
    assert_eq!(
        eval(
            &client,
            "document.querySelectorAll('#gallery figure:not(.broken) img').length"
        )
        .await,
        json!(7)
    );
    screenshot(&client, "3-broken-template.png").await;
    std::fs::write(&songs, &songs_text).unwrap();
    until(
        &client,
        "the fixed template's card",
        UPDATE,
        &format!("!{broken}.classList.contains('broken') && {ALL_LOADED}"),
    )
    .await;

    // ── The stats editor changes the name on the card.
    client
        .find(Locator::Id("toggle-editor"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        &client,
        "the stats in the editor",
        UPDATE,
        "document.getElementById('stats').value.includes('Alex Rivera')",
    )
    .await;
    // Invalid JSON first: the CLI's error, and the cards stay.
    client
        .execute(
            "const t = document.getElementById('stats'); t.value = t.value.replace('\"year\": 2026', '\"year\": 20x6'); \
             t.dispatchEvent(new Event('input')); return 0;",
            vec![],
        )
        .await
        .unwrap();
    until(&client, "the editor's error", UPDATE, "document.getElementById('stats-error').textContent.startsWith('malformed JSON at the editor, line')").await;
    screenshot(&client, "4-editor-error.png").await;
    let before = eval(
        &client,
        &format!("{}.querySelector('img').getAttribute('src')", figure(key)),
    )
    .await;
    client
        .execute(
            "const t = document.getElementById('stats'); t.value = t.value.replace('20x6', '2026').replace('Alex Rivera', 'Zaphod B.'); \
             t.dispatchEvent(new Event('input')); return 0;",
            vec![],
        )
        .await
        .unwrap();
    until(
        &client,
        "the renamed card",
        UPDATE,
        &format!(
            "document.getElementById('stats-error').textContent === '' && {f}.querySelector('img').getAttribute('src') !== {before} && {ALL_LOADED}",
            f = figure(key)
        ),
    )
    .await;
    // The image the page shows is the card of the edited stats.
    let shown = s
        .workspace
        .card(&studio::Who::Fixture("typical".into()), "minutes", "story")
        .await
        .unwrap();
    let mut stats = common::fixture("typical");
    stats.display_name = "Zaphod B.".into();
    let expected = cardfarm::Renderer::load(&s.dir.path().join("templates"), &repo().join("fonts"))
        .unwrap()
        .render(
            cardfarm::Source {
                stats: &stats,
                root: Some(&common::fixtures()),
            },
            "minutes",
            "story",
        )
        .unwrap();
    let shown = shown.result.as_deref().unwrap();
    assert!(
        common::pixels(shown) == common::pixels(&expected.png.0),
        "other pixels"
    );
    let shown_length = eval(&client, &format!(
        "(async () => {{ const b = await (await fetch({f}.querySelector('img').src)).arrayBuffer(); return b.byteLength; }})()",
        f = figure(key)
    )).await;
    assert_eq!(shown_length, json!(shown.len()));
    screenshot(&client, "5-editor-renamed.png").await;
    client
        .find(Locator::Id("toggle-editor"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // ── The 1:1 view's safe-zone overlay toggles (click, then the S key).
    // With the keyboard: each card is a button; Enter opens it.
    client
        .find(Locator::Css(
            "figure[data-key=\"minutes/story\"] button.open",
        ))
        .await
        .unwrap()
        .send_keys(&fantoccini::key::Key::Enter)
        .await
        .unwrap();
    until(&client, "the 1:1 view", UPDATE, "document.getElementById('zoom').open && document.getElementById('zoom-card').naturalWidth === 1080").await;
    let shown = "getComputedStyle(document.getElementById('safe-top')).display !== 'none'";
    assert_eq!(eval(&client, shown).await, json!(false));
    client
        .find(Locator::Id("safe-toggle"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(eval(&client, shown).await, json!(true));
    let bands = eval(
        &client,
        "[document.getElementById('safe-top').getBoundingClientRect().height, document.getElementById('safe-bottom').getBoundingClientRect().height]",
    )
    .await;
    let bands: Vec<f64> = serde_json::from_value(bands).unwrap();
    assert!((bands[0] - 250.0).abs() < 1.0, "{bands:?}");
    assert!((bands[1] - 340.0).abs() < 1.0, "{bands:?}");
    screenshot(&client, "6-safe-zones.png").await;
    client
        .find(Locator::Id("safe-toggle"))
        .await
        .unwrap()
        .send_keys("s")
        .await
        .unwrap();
    assert_eq!(eval(&client, shown).await, json!(false));
    client
        .execute("document.getElementById('zoom').close(); return 0;", vec![])
        .await
        .unwrap();

    // ── The lint's findings are listed under the card they are about: the user's name moved
    // into the top band Instagram covers is a safe-zone finding, and goes when it moves back.
    let findings = format!("{}.querySelector('.findings')", figure(key));
    let safe_zone_finding = format!(
        "!{findings}.hidden && [...{findings}.querySelectorAll('li')]\
         .some(li => li.dataset.rule === 'safe-zone' && li.textContent.includes('inside the top safe zone'))"
    );
    assert_eq!(eval(&client, &safe_zone_finding).await, json!(false));
    std::fs::write(
        &layer,
        original.replace(
            "</svg>",
            r##"{{text display_name x=72 y=60 w=600 h=60 size=40 weight=700 fill="#ffffff"}}</svg>"##,
        ),
    )
    .unwrap();
    until(
        &client,
        "the safe-zone finding under the card",
        UPDATE,
        &safe_zone_finding,
    )
    .await;
    // The other cards' lists stay as they were: top-songs is clean.
    assert_eq!(
        eval(
            &client,
            &format!(
                "{}.querySelector('.findings').hidden",
                figure("top-songs/story")
            )
        )
        .await,
        json!(true)
    );
    client
        .execute(
            &format!(
                "{}.scrollIntoView({{ block: 'center' }}); return 0;",
                figure(key)
            ),
            vec![],
        )
        .await
        .unwrap();
    screenshot(&client, "7-lint-findings.png").await;
    std::fs::write(&layer, &original).unwrap();
    until(
        &client,
        "the finding to go with the fix",
        UPDATE,
        &format!("!({safe_zone_finding}) && {ALL_LOADED}"),
    )
    .await;
}
