//! Render threads: a fixed set of long-lived OS threads that every front end's rendering runs
//! on (the farm's jobs, the server's requests), never on the async executor.
//!
//! Long-lived matters: a card needs a pixmap and encode buffers of several megabytes, which
//! `render` and `png` keep per thread, so a thread that renders card after card reuses warm
//! pages. A pool that hands work to whichever of its threads is idle (tokio's blocking pool)
//! spreads those buffers over fresh pages that the kernel must zero first: in a profile of
//! `cardfarm batch` on such a pool, the zeroing took 7% of the CPU (docs/performance.md).

use crate::error::{Error, Result};

/// How many cores this process may use: the default number of render threads everywhere
/// (falls back to one when the platform cannot tell).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

pub struct RenderThreads {
    pool: rayon_core::ThreadPool,
}

impl RenderThreads {
    /// Starts `threads` threads (at least one).
    pub fn new(threads: usize) -> Result<RenderThreads> {
        let pool = rayon_core::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .thread_name(|i| format!("cardfarm-render-{i}"))
            .build()
            .map_err(|e| Error::io("(render threads)", std::io::Error::other(e)))?;
        Ok(RenderThreads { pool })
    }

    /// How many threads render at once.
    pub fn len(&self) -> usize {
        self.pool.current_num_threads()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs `work` on a render thread once one is free; the rest wait in order. Work whose
    /// caller stopped waiting before a thread took it is skipped (a client that hung up costs
    /// no render). Once started, work runs to its end even if the caller leaves, so at most
    /// [`len`](Self::len) renders ever run at once. A panic becomes [`Error::Panic`].
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        let (done, result) = tokio::sync::oneshot::channel();
        self.pool.spawn(move || {
            if done.is_closed() {
                return;
            }
            // A panic must not end the thread; the caller learns of it as an error.
            let _ = done.send(crate::card::render::guard("(job)", || Ok(work())));
        });
        result.await.unwrap_or_else(|_| {
            Err(Error::Panic {
                template: "(job)".into(),
                message: "the render thread stopped".into(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn never_runs_more_than_its_threads_at_once() {
        let threads = Arc::new(RenderThreads::new(2).unwrap());
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs = (0..8).map(|i| {
            let (threads, running, most) = (threads.clone(), running.clone(), most.clone());
            async move {
                threads
                    .run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                        i * 10
                    })
                    .await
            }
        });
        let results: Vec<usize> = futures::future::join_all(jobs)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(results, (0..8).map(|i| i * 10).collect::<Vec<_>>());
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_panic_is_an_error_and_the_thread_lives_on() {
        let threads = RenderThreads::new(1).unwrap();
        let err = threads
            .run(|| -> u8 { panic!("boom in a render") })
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Panic { message, .. } if message.contains("boom")),
            "{err}"
        );
        assert_eq!(threads.run(|| 7).await.unwrap(), 7);
    }

    #[tokio::test]
    async fn work_abandoned_before_it_starts_is_skipped() {
        let threads = Arc::new(RenderThreads::new(1).unwrap());
        // Hold the one thread until released.
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let busy = tokio::spawn({
            let threads = threads.clone();
            async move { threads.run(move || hold.recv().ok()).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        let ran = Arc::new(AtomicBool::new(false));
        let queued = threads.run({
            let ran = ran.clone();
            move || ran.store(true, Ordering::SeqCst)
        });
        // The caller gives up while the work waits for the thread.
        assert!(tokio::time::timeout(Duration::from_millis(50), queued)
            .await
            .is_err());
        release.send(()).unwrap();
        busy.await.unwrap().unwrap();
        // Work queued after it runs, so the abandoned work has had its turn.
        threads.run(|| ()).await.unwrap();
        assert!(!ran.load(Ordering::SeqCst));
    }
}
