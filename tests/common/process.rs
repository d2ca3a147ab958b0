//! The `cardfarm` binary as a command, and child processes that cannot outlive their test.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The `cardfarm` binary of this build, run from the repository root, with no `CARDFARM_*`
/// setting inherited from the shell that runs the tests: only what a test passes counts.
pub fn cardfarm() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cardfarm"));
    command.current_dir(super::repo());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CARDFARM_") {
            command.env_remove(name);
        }
    }
    command
}

/// A child process, killed when dropped so a failed assertion never leaves it running. Its
/// stdout is discarded; its stderr is collected on a thread, so a full pipe never blocks it.
pub struct Running {
    child: Child,
    stderr: Option<JoinHandle<String>>,
}

impl Running {
    /// Starts `command`; the error is the operating system's (no such program, say).
    pub fn spawn(mut command: Command) -> std::io::Result<Running> {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut pipe = child.stderr.take().expect("stderr is piped");
        let stderr = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        });
        Ok(Running {
            child,
            stderr: Some(stderr),
        })
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Sends signal `name` (`TERM`, `STOP`, `CONT`, …) with `kill`.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -{name}");
    }

    /// Its exit status, if it has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().unwrap()
    }

    /// Waits for it to exit; fails naming `what` once `limit` has passed.
    pub fn wait(&mut self, what: &str, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.exited() {
                return status;
            }
            assert!(Instant::now() < deadline, "{what} did not exit in time");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Everything it wrote to stderr. Call once it has exited: this waits for the pipe to close.
    pub fn stderr(&mut self) -> String {
        self.stderr
            .take()
            .map(|t| t.join().unwrap_or_default())
            .unwrap_or_default()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `cardfarm args` in `dir` to its end.
pub fn run(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    cardfarm()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

/// A finished run's standard error, as text.
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `cardfarm args` in `dir` is a usage error: exit 2, an `error:` line (no panic, no
/// backtrace) that contains each of `needles`.
pub fn assert_usage(args: &[&str], dir: &std::path::Path, needles: &[&str]) {
    let o = run(args, dir);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    for n in needles {
        assert!(err.contains(n), "{args:?}: expected {n:?} in:\n{err}");
    }
}
