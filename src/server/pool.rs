//! The render pool: CPU work off the async executor, bounded twice (imgproxy's design).
//! `threads` renders run at once on tokio's blocking threads; at most `queue` more wait. When
//! both are full a request is refused at once (503), never queued without bound.

use std::sync::Arc;

use prometheus::IntGauge;
use tokio::sync::Semaphore;

use super::metrics::Metrics;

pub struct RenderPool {
    /// Permits for running and waiting renders together.
    admission: Arc<Semaphore>,
    /// Permits for running renders.
    workers: Arc<Semaphore>,
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
    pub fn new(threads: usize, queue: usize) -> RenderPool {
        let threads = threads.max(1);
        RenderPool {
            admission: Arc::new(Semaphore::new(threads + queue)),
            workers: Arc::new(Semaphore::new(threads)),
        }
    }

    /// Runs `work` on a render thread, waiting in the bounded queue if needed.
    pub async fn run<T: Send + 'static>(
        &self,
        metrics: &Metrics,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PoolError> {
        let _admitted = self
            .admission
            .clone()
            .try_acquire_owned()
            .map_err(|_| PoolError::Overloaded)?;
        let waiting = Raised::new(&metrics.queue_depth);
        let worker = self.workers.clone().acquire_owned().await;
        drop(waiting);
        let worker = worker.map_err(|_| PoolError::Overloaded)?;
        let running = Raised::new(&metrics.in_flight);
        tokio::task::spawn_blocking(move || {
            // Permit and gauge live as long as the render, even if the client has gone.
            let _worker = worker;
            let _running = running;
            work()
        })
        .await
        .map_err(|_| PoolError::Crashed)
    }
}
