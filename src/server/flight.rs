//! Flight: concurrent misses for the same card render it once ("single flight").
//!
//! A card that is not cached yet may be asked for by many clients at once (a share link going
//! round). The first request for a key starts the work as its own task; every request for the
//! same key that arrives while it runs waits for that task and gets a copy of its outcome. The
//! task runs to the end even if every waiter goes away, so the cache is filled all the same,
//! and it removes its key when done: a later request finds the card in the cache instead.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

use futures::future::{BoxFuture, FutureExt, Shared};

/// The outcome of a flight, shared by all who wait for it; `None` if the work panicked.
pub(super) type Flight<T> = Shared<BoxFuture<'static, Option<T>>>;

/// The flights running now, by key.
pub(super) struct Flights<T: Clone> {
    running: Mutex<HashMap<String, Flight<T>>>,
}

/// Whether this request started the flight it waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Leader,
    Follower,
}

/// Removes a flight's key when its task ends.
struct Leave<T: Clone>(Arc<Flights<T>>, String);

impl<T: Clone> Drop for Leave<T> {
    fn drop(&mut self) {
        self.0.lock().remove(&self.1);
    }
}

impl<T: Clone> Flights<T> {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Flight<T>>> {
        // Only inserts and removes happen under the lock; a panic cannot leave it half done.
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<T: Clone + Send + Sync + 'static> Flights<T> {
    pub(super) fn new() -> Arc<Flights<T>> {
        Arc::new(Flights {
            running: Mutex::new(HashMap::new()),
        })
    }

    /// The flight for `key`: the one running now, or a new one running `start()`'s future.
    pub(super) fn join<F>(
        self: &Arc<Self>,
        key: &str,
        start: impl FnOnce() -> F,
    ) -> (Flight<T>, Role)
    where
        F: Future<Output = T> + Send + 'static,
    {
        let mut running = self.lock();
        if let Some(flight) = running.get(key) {
            return (flight.clone(), Role::Follower);
        }
        let work = start();
        let flights = Arc::clone(self);
        let owned = key.to_string();
        let task = tokio::spawn(async move {
            // Leaves the table however the work ends, a panic included.
            let _leave = Leave(flights, owned);
            work.await
        });
        let flight = async move { task.await.ok() }.boxed().shared();
        running.insert(key.to_string(), flight.clone());
        (flight, Role::Leader)
    }
}
