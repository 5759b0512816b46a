//! Running one keyring call with a time limit.
//!
//! A keyring can block for as long as it likes: a locked Secret Service
//! collection waits for a password prompt nobody may answer, a stuck D-Bus
//! daemon never replies. None of the store crates take a timeout, so each
//! call runs on a thread of its own and the caller waits for the answer
//! with `recv_timeout`. A thread that misses the deadline is abandoned, not
//! joined: joining it would hang exactly as the keyring does. It ends with
//! the process at worst, holding nothing but its copy of the request.

use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::thread;
use std::time::Duration;

/// Runs `job` on a fresh thread and returns its result, or a reason in
/// words when it did not answer within `deadline`.
pub(crate) fn run<T, F>(deadline: Duration, job: F) -> Result<T, String>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = mpsc::sync_channel(1);
    thread::Builder::new()
        .name("keyring-call".into())
        .spawn(move || {
            // The receiver is gone when the caller gave up: nothing to do then.
            let _ = tx.send(job());
        })
        .map_err(|err| format!("could not start a keyring thread: {err}"))?;
    match rx.recv_timeout(deadline) {
        Ok(value) => Ok(value),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(timeout_reason(deadline)),
        // Only a panic in the job drops the sender without sending.
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Err("the keyring call stopped unexpectedly".into())
        }
    }
}

/// Like `run`, for a job that changes the keyring: when the caller gives up
/// before `job` answers, `undo` runs on the job's thread with the late
/// result (a write that lands after the deadline is then removed, since
/// the caller went on as if it had failed). The hand-over is under a lock,
/// so a result is either taken by the caller or given to `undo`, never
/// lost between the two.
pub(crate) fn run_or_undo<T, F, U>(deadline: Duration, job: F, undo: U) -> Result<T, String>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
    U: FnOnce(T) + Send + 'static,
{
    let gave_up = Arc::new(Mutex::new(false));
    let (tx, rx) = mpsc::sync_channel(1);
    let flag = Arc::clone(&gave_up);
    thread::Builder::new()
        .name("keyring-call".into())
        .spawn(move || {
            let value = job();
            let gave_up = flag.lock().unwrap_or_else(PoisonError::into_inner);
            if *gave_up {
                drop(gave_up);
                undo(value);
            } else {
                // Capacity 1 and nothing sent before: this does not block.
                let _ = tx.send(value);
            }
        })
        .map_err(|err| format!("could not start a keyring thread: {err}"))?;
    match rx.recv_timeout(deadline) {
        Ok(value) => Ok(value),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            *gave_up.lock().unwrap_or_else(PoisonError::into_inner) = true;
            // The answer may have come between the timeout and the flag.
            rx.try_recv().map_err(|_| timeout_reason(deadline))
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Err("the keyring call stopped unexpectedly".into())
        }
    }
}

pub(crate) fn timeout_reason(deadline: Duration) -> String {
    format!(
        "no answer within {} (a locked keyring waiting for a password?)",
        show(deadline)
    )
}

/// `2s`, `30s`, `200ms`: deadlines are set in whole seconds or, in tests,
/// in milliseconds.
fn show(deadline: Duration) -> String {
    if deadline.subsec_millis() == 0 && deadline.as_secs() > 0 {
        format!("{}s", deadline.as_secs())
    } else {
        format!("{}ms", deadline.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn answers_in_time_are_returned() {
        assert_eq!(run(Duration::from_secs(5), || 42), Ok(42));
    }

    #[test]
    fn a_hanging_job_is_abandoned_at_the_deadline() {
        let start = Instant::now();
        let outcome = run(Duration::from_millis(200), || {
            thread::sleep(Duration::from_secs(30));
        });
        assert_eq!(
            outcome,
            Err("no answer within 200ms (a locked keyring waiting for a password?)".into())
        );
        assert!(start.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn a_late_answer_is_undone_and_a_timely_one_is_not() {
        let undone = Arc::new(Mutex::new(Vec::new()));
        let record = |undone: &Arc<Mutex<Vec<u32>>>| {
            let undone = Arc::clone(undone);
            move |value| undone.lock().unwrap().push(value)
        };
        assert_eq!(
            run_or_undo(Duration::from_secs(5), || 1, record(&undone)),
            Ok(1)
        );
        let late = run_or_undo(
            Duration::from_millis(100),
            || {
                thread::sleep(Duration::from_millis(300));
                2
            },
            record(&undone),
        );
        assert!(late.is_err());
        let start = Instant::now();
        while undone.lock().unwrap().is_empty() && start.elapsed() < Duration::from_secs(10) {
            thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(*undone.lock().unwrap(), vec![2], "only the late answer");
    }

    #[test]
    fn deadlines_are_shown_briefly() {
        assert_eq!(show(Duration::from_secs(2)), "2s");
        assert_eq!(show(Duration::from_secs(30)), "30s");
        assert_eq!(show(Duration::from_millis(1500)), "1500ms");
    }
}
