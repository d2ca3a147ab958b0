//! The render pool: CPU work off the async executor, bounded twice (imgproxy's design).
//! `threads` renders run at once on the library's [`RenderThreads`]; at most `queue` more
//! wait. When both are full a request is refused at once (503), never queued without bound.

use std::sync::Arc;

use prometheus::IntGauge;
use tokio::sync::Semaphore;

use super::metrics::Metrics;
use crate::card::threads::RenderThreads;

pub struct RenderPool {
    /// Permits for running and waiting renders together.
    admission: Arc<Semaphore>,
    threads: RenderThreads,
}

/// Why the pool did not run the work.
#[derive(Debug, PartialEq, Eq)]
pub enum PoolError {
    /// Every render thread is busy and the wait queue is full.
    Overloaded,
    /// The work panicked on its thread.
    Crashed,
}

/// Raises a gauge for as long as it lives, so a dropped request never leaves it high.
struct Raised(IntGauge);

impl Raised {
    fn new(gauge: &IntGauge) -> Raised {
        gauge.inc();
        Raised(gauge.clone())
    }
}

impl Drop for Raised {
    fn drop(&mut self) {
        self.0.dec();
    }
}

impl RenderPool {
    pub fn new(threads: usize, queue: usize) -> crate::Result<RenderPool> {
        let threads = RenderThreads::new(threads)?;
        Ok(RenderPool {
            admission: Arc::new(Semaphore::new(threads.len() + queue)),
            threads,
        })
    }

    /// Runs `work` on a render thread, waiting in the bounded queue if needed.
    pub async fn run<T: Send + 'static>(
        &self,
        metrics: &Metrics,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PoolError> {
        let admitted = self
            .admission
            .clone()
            .try_acquire_owned()
            .map_err(|_| PoolError::Overloaded)?;
        let waiting = Raised::new(&metrics.queue_depth);
        let in_flight = metrics.in_flight.clone();
        self.threads
            .run(move || {
                // The permit lives as long as the render, even if the client has gone.
                let _admitted = admitted;
                drop(waiting);
                let _running = Raised::new(&in_flight);
                work()
            })
            .await
            .map_err(|_| PoolError::Crashed)
    }
}
