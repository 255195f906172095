//! Writing: adding, replacing and removing entries, and switching the current context.
//!
//! Where each change goes follows client-go's `ModifyConfig`:
//!
//! - an entry that already exists is written back to the file that defines it (the first one
//!   in precedence order, whose definition is the one in effect);
//! - `current-context` is written to the default destination ([`KubeconfigPaths::default_destination`]);
//!   since that is the first existing file, its value is the one in effect afterwards.
//!
//! For a *new* entry client-go uses the default destination too. kplane instead keeps a
//! triple together: a new cluster, user or context goes to the file already holding one of
//! the incoming contexts, else clusters, else users, and only else to the default
//! destination. When nothing exists yet that is the same file kubectl would pick.
//!
//! A same-named entry is replaced whole — including fields kplane does not know, so stale
//! credentials (an old `exec` or client certificate next to a new token) never survive.
//! Everything else in the file, unknown keys at every level included, is kept as it was.
//!
//! Each file is edited under its lock ([`super::lock`]): re-read, changed, written to a temp
//! file in the same directory, fsynced, renamed over the original. New files get mode 0600
//! (client-go's) and a missing parent directory is created 0700 — client-go uses 0755, but the
//! directory exists to hold credentials. An existing file keeps its mode, as it would when
//! kubectl rewrites it in place. A symlinked kubeconfig stays a symlink: its target is
//! replaced.

use std::collections::BTreeMap;
use std::fs::{self, DirBuilder, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::lock::FileLock;
use super::merge::{self, Merged};
use super::model::Config;
use super::paths::KubeconfigPaths;
use super::validate::{Entry, validate};
use super::{Error, Result};

/// Writes one kplane entry (cluster, user and context named `entry.name`), making it the
/// current context if `set_current`. Returns the file that holds the context.
pub fn write_entry(paths: &KubeconfigPaths, entry: &Entry, set_current: bool) -> Result<PathBuf> {
    let plan = plan(paths, &entry.to_config(set_current))?;
    let context_file = plan.context_file.clone();
    apply(plan.edits)?;
    context_file.ok_or(Error::NoFile)
}

/// Merges a whole kubeconfig document (e.g. one fetched from a ControlPlane's Secret or a
/// provider) into the files, entry by entry; its `current-context` is applied only if
/// `set_current`. Every cluster and user is validated first. Returns the files changed.
pub fn write_config(paths: &KubeconfigPaths, incoming: &Config, set_current: bool) -> Result<Vec<PathBuf>> {
    let mut incoming = incoming.clone();
    if !set_current {
        incoming.current_context = None;
    }
    apply(plan(paths, &incoming)?.edits)
}

/// Removes clusters, users and contexts with any of these names from every file that lists
/// them, and clears `current-context` wherever it names a removed context. client-go removes
/// a name only from the file whose definition is in effect, which lets a shadowed copy in a
/// later file reappear; `kplane down` and `delete cluster` mean the name to be gone. Returns
/// the files changed.
pub fn remove_entries(paths: &KubeconfigPaths, names: &[&str]) -> Result<Vec<PathBuf>> {
    let mut changed = Vec::new();
    for path in paths.files() {
        if !path.exists() {
            continue;
        }
        let edited = edit_file(path, |config| {
            let before = (config.clusters.len(), config.users.len(), config.contexts.len());
            config.clusters.retain(|c| !names.contains(&c.name.as_str()));
            config.users.retain(|u| !names.contains(&u.name.as_str()));
            config.contexts.retain(|c| !names.contains(&c.name.as_str()));
            let mut edited = before != (config.clusters.len(), config.users.len(), config.contexts.len());
            if config.current().is_some_and(|c| names.contains(&c)) {
                // kubectl's spelling of "no current context".
                config.current_context = Some(String::new());
                edited = true;
            }
            edited
        })?;
        if edited {
            changed.push(path.clone());
        }
    }
    Ok(changed)
}

/// Makes `name` the current context (`kubectl config use-context`): it must exist in the
/// merged view; the value is written to the default destination. Returns that file.
pub fn set_current_context(paths: &KubeconfigPaths, name: &str) -> Result<PathBuf> {
    let merged = load_for_write(paths)?;
    if merged.context(name).is_none() {
        return Err(Error::ContextNotFound { name: name.to_owned(), paths: paths.files().to_vec() });
    }
    let file = paths.default_destination()?;
    edit_file(&file, |config| {
        let edited = config.current() != Some(name);
        config.current_context = Some(name.to_owned());
        edited
    })?;
    Ok(file)
}

/// The changes for each file.
#[derive(Default)]
struct Edit {
    incoming: Config,
}

struct Plan {
    edits: BTreeMap<PathBuf, Edit>,
    /// Where the first incoming context goes.
    context_file: Option<PathBuf>,
}

fn load_for_write(paths: &KubeconfigPaths) -> Result<Merged> {
    match merge::load(paths) {
        // `--kubeconfig new-file`: writing creates it.
        Err(Error::ExplicitMissing { .. }) => Ok(Merged::default()),
        other => other,
    }
}

/// Decides which file each incoming entry goes to (see the module docs).
fn plan(paths: &KubeconfigPaths, incoming: &Config) -> Result<Plan> {
    validate(incoming)?;
    let merged = load_for_write(paths)?;
    let default = paths.default_destination()?;
    let anchor = incoming
        .contexts
        .iter()
        .find_map(|c| merged.context(&c.name).map(|s| &s.source))
        .or_else(|| incoming.clusters.iter().find_map(|c| merged.cluster(&c.name).map(|s| &s.source)))
        .or_else(|| incoming.users.iter().find_map(|u| merged.user(&u.name).map(|s| &s.source)))
        .unwrap_or(&default)
        .clone();

    let mut edits: BTreeMap<PathBuf, Edit> = BTreeMap::new();
    let dest = |existing: Option<&PathBuf>| existing.unwrap_or(&anchor).clone();
    for c in &incoming.clusters {
        slot(&mut edits, dest(merged.cluster(&c.name).map(|s| &s.source))).clusters.push(c.clone());
    }
    for u in &incoming.users {
        slot(&mut edits, dest(merged.user(&u.name).map(|s| &s.source))).users.push(u.clone());
    }
    for c in &incoming.contexts {
        slot(&mut edits, dest(merged.context(&c.name).map(|s| &s.source))).contexts.push(c.clone());
    }
    if let Some(current) = incoming.current() {
        slot(&mut edits, default.clone()).current_context = Some(current.to_owned());
    }
    let context_file = incoming
        .contexts
        .first()
        .map(|c| merged.context(&c.name).map(|s| s.source.clone()).unwrap_or_else(|| anchor.clone()));
    Ok(Plan { edits, context_file })
}

fn slot(edits: &mut BTreeMap<PathBuf, Edit>, file: PathBuf) -> &mut Config {
    &mut edits.entry(file).or_default().incoming
}

/// Applies the edits file by file (in path order), returning the files changed.
fn apply(edits: BTreeMap<PathBuf, Edit>) -> Result<Vec<PathBuf>> {
    let mut changed = Vec::new();
    for (path, Edit { incoming }) in edits {
        let edited = edit_file(&path, |config| {
            let before = config.clone();
            upsert(&mut config.clusters, incoming.clusters, |c| &c.name);
            upsert(&mut config.users, incoming.users, |u| &u.name);
            upsert(&mut config.contexts, incoming.contexts, |c| &c.name);
            if let Some(current) = incoming.current_context {
                config.current_context = Some(current);
            }
            *config != before
        })?;
        if edited {
            changed.push(path);
        }
    }
    Ok(changed)
}

/// Replaces same-named items in place (keeping the list's order), appends the others.
fn upsert<T>(list: &mut Vec<T>, items: Vec<T>, name: impl Fn(&T) -> &String) {
    for item in items {
        match list.iter().position(|existing| name(existing) == name(&item)) {
            Some(i) => list[i] = item,
            None => list.push(item),
        }
    }
}

/// Locks `path`, re-reads it (missing: empty), lets `change` edit it, and writes it back
/// atomically if `change` reports an edit. Returns whether it wrote.
fn edit_file(path: &Path, change: impl FnOnce(&mut Config) -> bool) -> Result<bool> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|source| Error::Write { path: path.to_path_buf(), source })?;
    }
    let _lock = FileLock::acquire(path)?;
    let mut config = merge::read_file(path)?.unwrap_or_default();
    if !change(&mut config) {
        return Ok(false);
    }
    let yaml = config.to_yaml(path)?;
    write_atomic(path, yaml.as_bytes()).map_err(|source| Error::Write { path: path.to_path_buf(), source })?;
    Ok(true)
}

/// Temp file in the same directory, fsync, rename over the target, fsync the directory: a
/// reader sees the old file or the new one, never a torn write.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let target = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    let mode = fs::metadata(&target).map(|m| m.permissions().mode() & 0o7777).unwrap_or(0o600);
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file_name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.tmp-{}-{:016x}", std::process::id(), rand::random::<u64>()));

    let result = (|| {
        let mut file = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp)?;
        file.write_all(bytes)?;
        // Set explicitly: the umask may have narrowed the create mode, and an existing file's
        // mode is kept.
        file.set_permissions(fs::Permissions::from_mode(mode))?;
        file.sync_all()?;
        fs::rename(&tmp, &target)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
        return result;
    }
    // Makes the rename itself durable. The new content is already in place, so a failure here
    // (some file systems refuse to fsync a directory) is not worth failing the command for.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
#[path = "write_tests.rs"]
mod tests;
