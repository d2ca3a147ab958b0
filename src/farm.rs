//! Farm: many cards. Every user of a dataset, every card they get, written to storage.
//!
//! ```text
//! dataset (JSON Lines) ─▶ Job ─▶ engine: render on the render threads ─▶ Png ─▶ sink (folder | S3)
//! ```
//!
//! - [`dataset`]: users' stats as JSON Lines, read lazily.
//! - [`job`]: one user's cards to render ([`job::Job`]), the [`job::CardSelection`] of
//!   templates × formats that plans are made of, and the object key of a card.
//! - [`sink`]: where finished PNGs go: a local folder or S3-compatible storage.
//! - [`engine`]: the [`Engine`] both ways of running share: it renders a job's cards on the
//!   [`crate::card::threads`] and puts each PNG in the sink.
//! - Two ways to run it: [`batch`], every user in one process; or a [`queue`] on NATS
//!   JetStream that [`worker`]s drain, on as many machines as needed, each answering
//!   Prometheus and Kubernetes on its [`probe`] address.

pub mod batch;
pub mod dataset;
pub mod engine;
pub mod job;
pub mod probe;
pub mod queue;
pub mod sink;
pub mod worker;

pub use engine::{Engine, Outcome};
