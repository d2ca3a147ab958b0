//! The designers' studio over a scratch copy of the templates (tests edit them), the repo's
//! fonts, fixtures and sample data, and a golden folder of the test's choice; requests through
//! its router.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use cardfarm::studio::{self, Config, Workspace};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::{repo, TempDir};

/// A studio and the scratch folder its templates live in.
pub struct Studio {
    pub workspace: Arc<Workspace>,
    pub dir: TempDir,
}

impl Studio {
    /// Templates copied to a scratch folder; goldens from `golden` (the repo's when `None`).
    pub fn new(tag: &str, golden: Option<&Path>, loopback: bool) -> Studio {
        let dir = TempDir::new(tag);
        copy_dir(&repo().join("templates"), &dir.path().join("templates"));
        let config = Config {
            templates: dir.path().join("templates"),
            fonts: repo().join("fonts"),
            data: Some(repo().join("data/sample.jsonl")),
            fixtures: Some(repo().join("tests/fixtures")),
            golden: Some(golden.map_or_else(|| repo().join("golden"), Path::to_path_buf)),
            user: Some("typical".into()),
            loopback,
            backgrounds: None,
        };
        Studio {
            workspace: Arc::new(Workspace::open(config).expect("the studio opens")),
            dir,
        }
    }

    /// A template file in the scratch copy: `minutes/story.svg.hbs`.
    pub fn template_file(&self, relative: &str) -> PathBuf {
        self.dir.path().join("templates").join(relative)
    }

    pub async fn call(&self, request: Request<Body>) -> Answer {
        let response = studio::app(self.workspace.clone())
            .oneshot(request)
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, uri: &str) -> Answer {
        self.call(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn send(&self, method: &str, uri: &str, body: &str) -> Answer {
        self.call(
            Request::builder()
                .method(method)
                .uri(uri)
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }
}

pub use super::app::Answer;

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn assert_status(&self, status: StatusCode) -> &Answer {
        assert_eq!(self.status, status, "{}", self.text());
        self
    }
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
