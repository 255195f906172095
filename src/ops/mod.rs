//! Workflows behind the CLI commands (`up`, `down`, …). They return data and report progress
//! through [`Reporter`]; they never print. Uses `provider` and `kubeconfig`; never `server`.

pub mod clusters;
pub mod fleet;
pub mod management;
pub mod snapshot;
pub mod up;

/// Progress of a multi-step operation, rendered by the CLI (spinners on a TTY, plain lines
/// otherwise, nothing with `--quiet`).
pub trait Reporter: Send + Sync {
    /// A step began, e.g. `"embedded: starting management plane kplane-management"`.
    fn step(&self, name: &str);
    /// The current step finished; `detail` says how (`"reused"`, `"created"` …).
    fn done(&self, detail: &str);
    /// The current step failed; the error itself is returned to the caller.
    fn failed(&self);
    /// A line of information that is not a step.
    fn note(&self, message: &str);
    /// How far the current step is, e.g. ready members of a Fleet (a bar on a terminal).
    fn progress(&self, _current: u64, _total: u64) {}
}

/// A reporter that drops everything (library callers and tests).
pub struct Silent;

impl Reporter for Silent {
    fn step(&self, _: &str) {}
    fn done(&self, _: &str) {}
    fn failed(&self) {}
    fn note(&self, _: &str) {}
}
