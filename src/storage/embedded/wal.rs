//! The embedded backend's files: a write-ahead log of committed write groups and a snapshot.
//!
//! ```text
//! DIR/snapshot   header "KPSNAP1\n", then frames: one Meta frame, one Put frame per key
//! DIR/wal        frames, one per committed write group, appended and fdatasync'ed
//! frame          u32 little-endian payload length | u32 crc32(payload) | payload
//! ```
//!
//! A write group is everything one revision did: puts, deletes and prefix deletes. On open the
//! snapshot is loaded, then every log frame with a revision above the snapshot's is replayed.
//! A torn or corrupt frame ends the log: a crash can only tear the last, unacknowledged
//! append, so the file is cut there and the loss is logged. Rewriting the snapshot happens
//! when the log grows past a threshold: write `snapshot.tmp`, fsync, rename, fsync the
//! directory, then empty the log — a crash at any point leaves a readable pair.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use bytes::Bytes;

use super::super::Revision;

const SNAPSHOT_MAGIC: &[u8; 8] = b"KPSNAP1\n";
const MAX_FRAME: u32 = 1 << 30;

/// One change inside a write group.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    Put { key: String, value: Bytes },
    Delete { key: String },
    DeletePrefix { prefix: String },
}

/// Everything committed at one revision.
#[derive(Clone, Debug, PartialEq)]
pub struct WriteGroup {
    pub revision: Revision,
    pub changes: Vec<Change>,
}

/// A key as stored in a snapshot.
#[derive(Clone, Debug, PartialEq)]
pub struct SnapshotEntry {
    pub key: String,
    pub value: Bytes,
    pub create_revision: Revision,
    pub mod_revision: Revision,
}

/// What `open` recovered.
pub struct Recovered {
    pub snapshot_revision: Revision,
    pub entries: Vec<SnapshotEntry>,
    pub groups: Vec<WriteGroup>,
    /// Bytes cut from the end of the log (a torn final append).
    pub truncated_bytes: u64,
}

/// The open log, positioned for appends.
pub struct Wal {
    dir: PathBuf,
    log: File,
    log_len: u64,
}

impl Wal {
    /// Opens (creating if needed) the files in `dir` and recovers their content.
    pub fn open(dir: &Path) -> io::Result<(Wal, Recovered)> {
        fs::create_dir_all(dir)?;
        let (snapshot_revision, entries) = read_snapshot(&dir.join("snapshot"))?;
        let log_path = dir.join("wal");
        let mut log = OpenOptions::new().read(true).append(true).create(true).open(&log_path)?;
        let file_len = log.metadata()?.len();
        let (groups, valid_len) = read_log(&mut log, snapshot_revision)?;
        let truncated_bytes = file_len - valid_len;
        if truncated_bytes > 0 {
            log.set_len(valid_len)?;
            log.sync_all()?;
        }
        log.seek(SeekFrom::End(0))?;
        sync_dir(dir)?;
        let wal = Wal { dir: dir.to_path_buf(), log, log_len: valid_len };
        Ok((wal, Recovered { snapshot_revision, entries, groups, truncated_bytes }))
    }

    /// Appends write groups and makes them durable (one fdatasync for all: group commit).
    pub fn append(&mut self, groups: &[WriteGroup]) -> io::Result<()> {
        let mut buf = Vec::new();
        for group in groups {
            frame(&mut buf, &encode_group(group));
        }
        self.log.write_all(&buf)?;
        self.log.sync_data()?;
        self.log_len += buf.len() as u64;
        Ok(())
    }

    pub fn log_len(&self) -> u64 {
        self.log_len
    }

    /// Replaces the snapshot with `entries` at `revision` and empties the log.
    pub fn rewrite_snapshot(
        &mut self,
        revision: Revision,
        entries: impl Iterator<Item = SnapshotEntry>,
    ) -> io::Result<()> {
        let tmp = self.dir.join("snapshot.tmp");
        {
            let mut out = BufWriter::new(File::create(&tmp)?);
            out.write_all(SNAPSHOT_MAGIC)?;
            let mut buf = Vec::new();
            let mut payload = Vec::new();
            payload.push(b'M');
            payload.extend_from_slice(&revision.to_le_bytes());
            frame(&mut buf, &payload);
            out.write_all(&buf)?;
            for entry in entries {
                buf.clear();
                payload.clear();
                payload.push(b'E');
                payload.extend_from_slice(&entry.create_revision.to_le_bytes());
                payload.extend_from_slice(&entry.mod_revision.to_le_bytes());
                put_bytes(&mut payload, entry.key.as_bytes());
                put_bytes(&mut payload, &entry.value);
                frame(&mut buf, &payload);
                out.write_all(&buf)?;
            }
            out.flush()?;
            out.get_ref().sync_all()?;
        }
        fs::rename(&tmp, self.dir.join("snapshot"))?;
        sync_dir(&self.dir)?;
        self.log.set_len(0)?;
        self.log.sync_all()?;
        self.log.seek(SeekFrom::End(0))?;
        self.log_len = 0;
        Ok(())
    }
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

fn frame(buf: &mut Vec<u8>, payload: &[u8]) {
    buf.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    buf.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    buf.extend_from_slice(payload);
}

fn put_bytes(buf: &mut Vec<u8>, bytes: &[u8]) {
    buf.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    buf.extend_from_slice(bytes);
}

fn encode_group(group: &WriteGroup) -> Vec<u8> {
    let mut buf = Vec::new();
    buf.extend_from_slice(&group.revision.to_le_bytes());
    buf.extend_from_slice(&(group.changes.len() as u32).to_le_bytes());
    for change in &group.changes {
        match change {
            Change::Put { key, value } => {
                buf.push(b'P');
                put_bytes(&mut buf, key.as_bytes());
                put_bytes(&mut buf, value);
            }
            Change::Delete { key } => {
                buf.push(b'D');
                put_bytes(&mut buf, key.as_bytes());
            }
            Change::DeletePrefix { prefix } => {
                buf.push(b'R');
                put_bytes(&mut buf, prefix.as_bytes());
            }
        }
    }
    buf
}

/// A cursor over one frame's payload; every read is bounds-checked.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4).map(|b| u32::from_le_bytes(b.try_into().unwrap_or_default()))
    }
    fn i64(&mut self) -> Option<i64> {
        self.take(8).map(|b| i64::from_le_bytes(b.try_into().unwrap_or_default()))
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }
}

fn decode_group(payload: &[u8]) -> Option<WriteGroup> {
    let mut c = Cursor(payload);
    let revision = c.i64()?;
    let count = c.u32()? as usize;
    let mut changes = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        let change = match c.u8()? {
            b'P' => {
                let key = c.string()?;
                let value = Bytes::copy_from_slice(c.bytes()?);
                Change::Put { key, value }
            }
            b'D' => Change::Delete { key: c.string()? },
            b'R' => Change::DeletePrefix { prefix: c.string()? },
            _ => return None,
        };
        changes.push(change);
    }
    c.0.is_empty().then_some(WriteGroup { revision, changes })
}

/// Reads the next frame; `Ok(None)` at a clean end, `Err(())` for a torn or corrupt frame.
fn read_frame(reader: &mut impl Read) -> io::Result<Result<Option<Vec<u8>>, ()>> {
    let mut header = [0u8; 8];
    let mut got = 0;
    while got < header.len() {
        match reader.read(&mut header[got..])? {
            0 if got == 0 => return Ok(Ok(None)),
            0 => return Ok(Err(())),
            n => got += n,
        }
    }
    let len = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
    let crc = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    if len > MAX_FRAME {
        return Ok(Err(()));
    }
    let mut payload = vec![0u8; len as usize];
    if let Err(err) = reader.read_exact(&mut payload) {
        return if err.kind() == io::ErrorKind::UnexpectedEof { Ok(Err(())) } else { Err(err) };
    }
    if crc32fast::hash(&payload) != crc {
        return Ok(Err(()));
    }
    Ok(Ok(Some(payload)))
}

/// Returns the groups after `after` and the length of the valid prefix of the file.
fn read_log(log: &mut File, after: Revision) -> io::Result<(Vec<WriteGroup>, u64)> {
    log.seek(SeekFrom::Start(0))?;
    let mut reader = BufReader::new(&mut *log);
    let mut groups = Vec::new();
    let mut valid = 0u64;
    // The first torn, corrupt or undecodable frame ends the log.
    while let Ok(Some(payload)) = read_frame(&mut reader)? {
        let Some(group) = decode_group(&payload) else { break };
        valid += 8 + payload.len() as u64;
        if group.revision > after {
            groups.push(group);
        }
    }
    Ok((groups, valid))
}

fn read_snapshot(path: &Path) -> io::Result<(Revision, Vec<SnapshotEntry>)> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok((0, Vec::new())),
        Err(err) => return Err(err),
    };
    let corrupt = || io::Error::new(io::ErrorKind::InvalidData, format!("corrupt snapshot {}", path.display()));
    let mut reader = BufReader::new(file);
    let mut magic = [0u8; 8];
    reader.read_exact(&mut magic)?;
    if &magic != SNAPSHOT_MAGIC {
        return Err(corrupt());
    }
    let mut revision = None;
    let mut entries = Vec::new();
    // A snapshot is only renamed into place after a full fsync, so any damage is real
    // corruption, not a torn write: refuse to start rather than silently lose data.
    loop {
        let payload = match read_frame(&mut reader)? {
            Ok(Some(payload)) => payload,
            Ok(None) => break,
            Err(()) => return Err(corrupt()),
        };
        let mut c = Cursor(&payload);
        match c.u8() {
            Some(b'M') => revision = Some(c.i64().ok_or_else(corrupt)?),
            Some(b'E') => {
                let create_revision = c.i64().ok_or_else(corrupt)?;
                let mod_revision = c.i64().ok_or_else(corrupt)?;
                let key = c.string().ok_or_else(corrupt)?;
                let value = Bytes::copy_from_slice(c.bytes().ok_or_else(corrupt)?);
                entries.push(SnapshotEntry { key, value, create_revision, mod_revision });
            }
            _ => return Err(corrupt()),
        }
    }
    Ok((revision.ok_or_else(corrupt)?, entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(key: &str, value: &str) -> Change {
        Change::Put { key: key.into(), value: Bytes::from(value.to_string()) }
    }

    #[test]
    fn appended_groups_are_recovered_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let groups = vec![
            WriteGroup { revision: 2, changes: vec![put("/a", "1"), put("/b", "2")] },
            WriteGroup { revision: 3, changes: vec![Change::Delete { key: "/a".into() }] },
            WriteGroup { revision: 4, changes: vec![Change::DeletePrefix { prefix: "/".into() }] },
        ];
        {
            let (mut wal, recovered) = Wal::open(dir.path()).unwrap();
            assert!(recovered.groups.is_empty());
            wal.append(&groups[..2]).unwrap();
            wal.append(&groups[2..]).unwrap();
        }
        let (_, recovered) = Wal::open(dir.path()).unwrap();
        assert_eq!(recovered.groups, groups);
        assert_eq!(recovered.truncated_bytes, 0);
    }

    #[test]
    fn a_torn_final_frame_is_cut_and_earlier_frames_survive() {
        let dir = tempfile::tempdir().unwrap();
        let group = WriteGroup { revision: 2, changes: vec![put("/a", "1")] };
        {
            let (mut wal, _) = Wal::open(dir.path()).unwrap();
            wal.append(std::slice::from_ref(&group)).unwrap();
        }
        let log = dir.path().join("wal");
        let good_len = fs::metadata(&log).unwrap().len();
        let mut file = OpenOptions::new().append(true).open(&log).unwrap();
        file.write_all(&[42, 0, 0, 0, 1, 2, 3]).unwrap();
        drop(file);
        let (mut wal, recovered) = Wal::open(dir.path()).unwrap();
        assert_eq!(recovered.groups, vec![group.clone()]);
        assert_eq!(recovered.truncated_bytes, 7);
        assert_eq!(fs::metadata(&log).unwrap().len(), good_len);
        // Appends after recovery land after the good prefix.
        let next = WriteGroup { revision: 3, changes: vec![put("/b", "2")] };
        wal.append(std::slice::from_ref(&next)).unwrap();
        let (_, recovered) = Wal::open(dir.path()).unwrap();
        assert_eq!(recovered.groups, vec![group, next]);
    }

    #[test]
    fn a_corrupt_checksum_ends_the_log() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (mut wal, _) = Wal::open(dir.path()).unwrap();
            wal.append(&[WriteGroup { revision: 2, changes: vec![put("/a", "1")] }]).unwrap();
        }
        let log = dir.path().join("wal");
        let mut bytes = fs::read(&log).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        fs::write(&log, bytes).unwrap();
        let (_, recovered) = Wal::open(dir.path()).unwrap();
        assert!(recovered.groups.is_empty());
    }

    #[test]
    fn snapshot_replaces_the_log_and_later_groups_replay_on_top() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (mut wal, _) = Wal::open(dir.path()).unwrap();
            wal.append(&[WriteGroup { revision: 2, changes: vec![put("/a", "1")] }]).unwrap();
            let entry = SnapshotEntry {
                key: "/a".into(),
                value: Bytes::from_static(b"1"),
                create_revision: 2,
                mod_revision: 2,
            };
            wal.rewrite_snapshot(2, std::iter::once(entry)).unwrap();
            assert_eq!(wal.log_len(), 0);
            wal.append(&[WriteGroup { revision: 3, changes: vec![put("/b", "2")] }]).unwrap();
        }
        let (_, recovered) = Wal::open(dir.path()).unwrap();
        assert_eq!(recovered.snapshot_revision, 2);
        assert_eq!(recovered.entries.len(), 1);
        assert_eq!(recovered.groups.len(), 1);
        assert_eq!(recovered.groups[0].revision, 3);
    }
}
