//! The kubeconfig lock file, compatible with client-go's.
//!
//! client-go (`clientcmd.lockFile`) guards every kubeconfig write by creating `<file>.lock`
//! with `O_CREATE|O_EXCL` and removing it afterwards; a second writer fails to create it.
//! kplane takes the same lock, so it excludes kubectl and other client-go tools as well as
//! other kplane processes. Where client-go gives up at once, kplane retries for a few seconds
//! (as kind does around its kubeconfig writes), because `kplane create` runs concurrently.
//!
//! A writer that crashes leaves the lock behind and blocks every later write, kubectl's too.
//! A lock older than [`STALE_AFTER`] — far longer than any kubeconfig write takes — is
//! therefore considered abandoned and removed. Breaking it is racy: two waiters may both see
//! the same stale lock, and the second may remove the lock the first just took. That needs a
//! crashed writer *and* two simultaneous waiters, and costs at worst one lost update, which
//! beats a kubeconfig that stays locked until a human deletes the file.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use super::{Error, Result};

/// How long to wait for another writer.
pub const TIMEOUT: Duration = Duration::from_secs(5);
/// Age after which a lock file is taken to be left by a crashed writer.
pub const STALE_AFTER: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(25);

/// A held lock on one kubeconfig file; released (the lock file removed) on drop.
#[derive(Debug)]
pub struct FileLock {
    lock_path: PathBuf,
}

impl FileLock {
    /// Locks `file` (creating `<file>.lock`), waiting up to [`TIMEOUT`]. The parent directory
    /// must exist.
    pub fn acquire(file: &Path) -> Result<FileLock> {
        Self::acquire_with(file, TIMEOUT, STALE_AFTER)
    }

    pub(crate) fn acquire_with(file: &Path, timeout: Duration, stale_after: Duration) -> Result<FileLock> {
        let lock_path = lock_path(file);
        let started = Instant::now();
        loop {
            match OpenOptions::new().write(true).create_new(true).mode(0o600).open(&lock_path) {
                Ok(mut f) => {
                    // The holder's pid, for whoever finds the file (client-go leaves it
                    // empty; nothing reads it).
                    let _ = writeln!(f, "{}", std::process::id());
                    return Ok(FileLock { lock_path });
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    if is_stale(&lock_path, stale_after) {
                        tracing::warn!(lock = %lock_path.display(), "removing a stale kubeconfig lock");
                        let _ = std::fs::remove_file(&lock_path);
                        continue;
                    }
                    if started.elapsed() >= timeout {
                        return Err(Error::Locked { path: file.to_path_buf(), waited: started.elapsed() });
                    }
                    std::thread::sleep(POLL);
                }
                Err(source) => return Err(Error::Lock { path: file.to_path_buf(), source }),
            }
        }
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.lock_path);
    }
}

/// `<file>.lock`, the name client-go uses.
pub fn lock_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

fn is_stale(lock_path: &Path, stale_after: Duration) -> bool {
    let modified = match std::fs::metadata(lock_path).and_then(|m| m.modified()) {
        Ok(t) => t,
        // Vanished meanwhile: not stale, just retry.
        Err(_) => return false,
    };
    SystemTime::now().duration_since(modified).is_ok_and(|age| age > stale_after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_file_exists_while_held_and_is_removed_after() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config");
        let lock = FileLock::acquire(&file).unwrap();
        assert!(dir.path().join("config.lock").exists());
        drop(lock);
        assert!(!dir.path().join("config.lock").exists());
    }

    #[test]
    fn a_held_lock_times_out_with_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config");
        let _held = FileLock::acquire(&file).unwrap();
        let err = FileLock::acquire_with(&file, Duration::from_millis(100), STALE_AFTER).unwrap_err();
        assert!(matches!(err, Error::Locked { ref path, .. } if *path == file), "{err}");
        assert!(err.to_string().contains("config.lock"), "{err}");
    }

    #[test]
    fn a_waiter_gets_the_lock_once_it_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config");
        let held = FileLock::acquire(&file).unwrap();
        let waiter = {
            let file = file.clone();
            std::thread::spawn(move || FileLock::acquire_with(&file, Duration::from_secs(5), STALE_AFTER).map(drop))
        };
        std::thread::sleep(Duration::from_millis(100));
        drop(held);
        waiter.join().unwrap().unwrap();
    }

    #[test]
    fn a_stale_lock_is_broken() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config");
        // Left behind by a "crashed" writer.
        std::fs::write(lock_path(&file), "").unwrap();
        std::thread::sleep(Duration::from_millis(30));
        let lock = FileLock::acquire_with(&file, Duration::from_millis(500), Duration::from_millis(10));
        assert!(lock.is_ok());
    }
}
