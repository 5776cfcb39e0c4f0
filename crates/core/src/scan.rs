//! One read per byte: each entry is streamed once through SHA-256, the
//! content sniffer and, for video containers, the built-in probe (which
//! works on the index bytes captured on the way). Entries are spread over worker threads, largest first, so
//! no core idles at the end while one big video finishes on another.

use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use sha2::{Digest, Sha256};

use crate::identify::{Sniffed, Sniffer};
use crate::policy::Limits;
use crate::probe::builtin::{self, Details};
use crate::probe::capture::Capture;
use crate::source::{Entry, EntryReader, Opened, Package};

/// Read size: large enough that per-call costs vanish, small enough that
/// the buffer stays in the core's L2 cache, so SHA-256 reads what the
/// kernel just copied from there. Measured on the large corpus (3.15 GB,
/// folder, 10 runs): 128 KiB 1.12 s, 256 KiB 1.14 s, 1 MiB 1.17 s.
const CHUNK: usize = 128 << 10;

/// What one read of an entry learned.
#[derive(Clone, Debug)]
pub struct Scanned {
    /// Bytes actually read (never trusted from headers).
    pub size: u64,
    pub sha256: Sha256Digest,
    pub sniffed: Sniffed,
    /// The built-in probe's answer from the captured index, for MP4 and
    /// Matroska content.
    pub early_probe: Option<Box<EarlyProbe>>,
}

/// The built-in probe run on the bytes captured during the scan.
#[derive(Clone, Debug)]
pub struct EarlyProbe {
    /// None: not a format the built-in probe reads.
    pub result: Option<Result<Details, builtin::ProbeError>>,
    /// False when the probe needed bytes that were not captured: the answer
    /// is not final and a seekable reader or ffprobe must decide.
    pub complete: bool,
}

/// Why the scan stopped reading an entry on purpose: a limit, or a file that
/// changed under it. Carried inside the `io::Error`; see [`scan_stop`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanStop {
    /// The entry expanded past `limit`:1 of its compressed size.
    Ratio {
        limit: u64,
        compressed: u64,
        read: u64,
    },
    /// The package as a whole passed `limits.max_total_bytes`.
    TotalBytes { limit: u64 },
    /// A folder file changed size or time while it was read.
    Changed { what: String },
}

impl std::fmt::Display for ScanStop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScanStop::Ratio {
                limit,
                compressed,
                read,
            } => write!(
                f,
                "{compressed} compressed bytes expanded to more than {read} bytes, past the compression-ratio limit of {limit}:1"
            ),
            ScanStop::TotalBytes { limit } => {
                write!(f, "the package passed the limit of {limit} bytes read")
            }
            ScanStop::Changed { what } => write!(f, "the file changed while being read ({what})"),
        }
    }
}

impl std::error::Error for ScanStop {}

/// The deliberate stop inside a scan error, if it is one.
pub fn scan_stop(e: &io::Error) -> Option<&ScanStop> {
    e.get_ref()?.downcast_ref::<ScanStop>()
}

/// Files at least this big, met by a scan that did not know their size (a
/// folder listed without sizes), wait for a second pass that takes the
/// largest first, so no core idles at the end while one big video finishes
/// on the other. Smaller files are read as they come, in listing order.
const LATER_BYTES: u64 = 1 << 20;

/// What the scan tells a progress display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// An entry whose size the listing did not give turned out this big.
    Found(u64),
    /// This many more bytes were read.
    Read(u64),
}

/// Scan every entry of the package; results are in entry order.
/// `progress` hears of sizes found and bytes read. Reading stops at the
/// limits, counted on the bytes actually read.
pub fn scan_package_with(
    package: &Package,
    threads: usize,
    limits: &Limits,
    progress: &(dyn Fn(Progress) + Sync),
) -> Vec<io::Result<Scanned>> {
    read_entries(
        package,
        &all(package),
        threads,
        limits,
        progress,
        |input, entry, buf, budget, _| scan_entry(input, entry, buf, budget, progress),
    )
}

fn all(package: &Package) -> Vec<usize> {
    (0..package.entries.len()).collect()
}

/// Size and SHA-256 of every entry, nothing else: what `verify` needs.
/// Results are in entry order.
pub fn digest_package(package: &Package, threads: usize) -> Vec<io::Result<(u64, String)>> {
    feed_entries(
        package,
        &all(package),
        threads,
        &Limits::for_verify(),
        |_| Sha256::new(),
    )
    .into_iter()
    .map(|result| result.map(|(size, hasher)| (size, hex(&hasher.finalize()))))
    .collect()
}

/// Something that takes an entry's bytes in order: a hasher, or several.
pub trait Consume {
    fn consume(&mut self, bytes: &[u8]);
}

impl Consume for Sha256 {
    fn consume(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

/// Read the entries `which` names (indexes into `package.entries`), each
/// once and under the limits, feeding every byte to the consumer `start`
/// makes for it (given the position in `which`). Results, in `which` order:
/// the bytes read and the consumer. What bag validation and `verify` share
/// with the scan: the same opening, scheduling, change check and budget.
pub fn feed_entries<C: Consume + Send>(
    package: &Package,
    which: &[usize],
    threads: usize,
    limits: &Limits,
    start: impl Fn(usize) -> C + Sync,
) -> Vec<io::Result<(u64, C)>> {
    read_entries(
        package,
        which,
        threads,
        limits,
        &|_| {},
        |input, entry, buf, budget, k| {
            let mut consumer = start(k);
            let size = read_entry(input, entry, buf, budget, &|_| {}, &mut |b| {
                consumer.consume(b)
            })?;
            Ok((size, consumer))
        },
    )
}

/// Run `read` over the entries `which` names, on `threads` workers that
/// each have their own reader and buffer; results are in `which` order.
/// Entries of known size go largest first; the others in listing order,
/// except that big ones (see [`LATER_BYTES`]) wait for a second,
/// largest-first pass.
fn read_entries<T: Send>(
    package: &Package,
    which: &[usize],
    threads: usize,
    limits: &Limits,
    progress: &(dyn Fn(Progress) + Sync),
    read: impl Fn(Opened, &Entry, &mut [u8], &Budget, usize) -> io::Result<T> + Sync,
) -> Vec<io::Result<T>> {
    let entry_of = |k: usize| &package.entries[which[k]];
    // Positions in `which`. Stable, and None sorts below every size:
    // unknown sizes keep their listing order, after the known ones.
    let mut order: Vec<usize> = (0..which.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(entry_of(k).declared_size));
    let total = AtomicU64::new(0);
    let budget = Budget {
        limits,
        total: &total,
    };
    let later = std::sync::Mutex::new(Vec::new());
    let step = |(reader, buf): &mut (EntryReader, Vec<u8>), k: usize, first: bool| {
        let entry = entry_of(k);
        let input = match reader.open_to_read(entry) {
            Ok(input) => input,
            Err(e) => return Some(Err(e)),
        };
        if let (true, None, Opened::File(_, meta)) = (first, entry.declared_size, &input) {
            progress(Progress::Found(meta.len()));
            if meta.len() >= LATER_BYTES {
                let mut later = later.lock().unwrap_or_else(|e| e.into_inner());
                later.push((k, meta.len()));
                return None;
            }
        }
        Some(read(input, entry, buf, &budget, k))
    };
    let init = || (package.reader(), vec![0u8; CHUNK]);
    let mut slots: Vec<Option<io::Result<T>>> = (0..which.len()).map(|_| None).collect();
    fill_queue(
        &order,
        threads,
        init,
        |state, k| step(state, k, true),
        &mut slots,
    );
    let mut later = std::mem::take(&mut *later.lock().unwrap_or_else(|e| e.into_inner()));
    if !later.is_empty() {
        later.sort_by_key(|&(k, size)| (std::cmp::Reverse(size), k));
        let order: Vec<usize> = later.into_iter().map(|(k, _)| k).collect();
        fill_queue(
            &order,
            threads,
            init,
            |state, k| step(state, k, false),
            &mut slots,
        );
    }
    slots
        .into_iter()
        .map(|slot| slot.unwrap_or_else(|| Err(io::Error::other("not read"))))
        .collect()
}

/// The limits and the bytes read so far by all workers.
struct Budget<'a> {
    limits: &'a Limits,
    total: &'a AtomicU64,
}

impl Budget<'_> {
    /// Count `n` more bytes of `entry` (`size` so far, this read included).
    fn take(&self, entry: &Entry, n: u64, size: u64) -> io::Result<()> {
        let before = self.total.fetch_add(n, Ordering::Relaxed);
        let limit = self.limits.max_total_bytes;
        if before.saturating_add(n) > limit {
            return Err(io::Error::other(ScanStop::TotalBytes { limit }));
        }
        if let Some(compressed) = entry.compressed_size() {
            let ratio = self.limits.max_ratio;
            if size > self.limits.ratio_min_bytes
                && u128::from(size) > u128::from(compressed.max(1)) * u128::from(ratio)
            {
                return Err(io::Error::other(ScanStop::Ratio {
                    limit: ratio,
                    compressed,
                    read: size,
                }));
            }
        }
        Ok(())
    }
}

fn scan_entry(
    input: Opened,
    entry: &Entry,
    buf: &mut [u8],
    budget: &Budget,
    progress: &(dyn Fn(Progress) + Sync),
) -> io::Result<Scanned> {
    let mut sniffer = Sniffer::new();
    let mut capture = Capture::new();
    let mut hasher = Sha256::new();
    let on_bytes = |n| progress(Progress::Read(n));
    let size = read_entry(input, entry, buf, budget, &on_bytes, &mut |chunk| {
        hasher.update(chunk);
        sniffer.update(chunk);
        capture.update(chunk);
    })?;
    Ok(Scanned {
        size,
        sha256: Sha256Digest(hasher.finalize().into()),
        sniffed: sniffer.finish(),
        early_probe: early_probe(capture),
    })
}

/// Probe now, while the captured index is at hand, so it never piles up in
/// memory across files.
fn early_probe(capture: Capture) -> Option<Box<EarlyProbe>> {
    capture.finish().map(|captured| {
        let mut reader = captured.reader();
        let result = builtin::probe_details(&mut reader, captured.len, Some(captured.family));
        Box::new(EarlyProbe {
            result,
            complete: !reader.missed(),
        })
    })
}

/// Read one opened entry once, to its end, feeding every byte to `consume`
/// (the hasher, the sniffer and the index capture, for a scan). Returns the
/// bytes read.
fn read_entry(
    input: Opened,
    entry: &Entry,
    buf: &mut [u8],
    budget: &Budget,
    on_bytes: &(dyn Fn(u64) + Sync),
    consume: &mut dyn FnMut(&[u8]),
) -> io::Result<u64> {
    read_entry_by(input, &mut |input, known| {
        pump(input, known, entry, buf, budget, on_bytes, consume)
    })
}

/// Reads an input to its end (or its known size); returns the bytes read.
type Pump<'a> = dyn FnMut(&mut dyn Read, Option<u64>) -> io::Result<u64> + 'a;

/// Read one opened entry with `pump` (given the input and, for a file, its
/// size when opened); for a folder file, make sure it did not change.
fn read_entry_by(input: Opened, pump: &mut Pump) -> io::Result<u64> {
    match input {
        Opened::File(mut file, meta) => {
            // A folder file's size and time, from the descriptor it is read
            // through, are compared before and after the read.
            let before = crate::source::stamp(&meta);
            let before_len = before.len;
            let size = pump(&mut file, Some(before_len))?;
            let after = crate::source::stamp(&file.metadata()?);
            let after_len = after.len;
            let what = if after_len != before_len || size != before_len {
                Some(format!(
                    "{before_len} bytes when opened, {size} read, {after_len} now"
                ))
            } else if after.modified != before.modified {
                Some("its modification time changed".to_owned())
            } else if after.changed != before.changed {
                Some("it was written to or its attributes changed".to_owned())
            } else {
                None
            };
            if let Some(what) = what {
                return Err(io::Error::other(ScanStop::Changed { what }));
            }
            Ok(size)
        }
        Opened::Stream(mut input) => pump(&mut input, None),
    }
}

/// Read `input` to its end, or, when its size is `known`, to that size (a
/// file's final zero-length read is one system call per file saved, and
/// growth is still caught by the size check after the read), counting
/// against the budget and feeding `consume`. Returns the bytes read.
fn pump(
    input: &mut dyn Read,
    known: Option<u64>,
    entry: &Entry,
    buf: &mut [u8],
    budget: &Budget,
    on_bytes: &(dyn Fn(u64) + Sync),
    consume: &mut dyn FnMut(&[u8]),
) -> io::Result<u64> {
    let mut size = 0u64;
    while known.is_none_or(|k| size < k) {
        let n = match input.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        size += n as u64;
        budget.take(entry, n as u64, size)?;
        consume(&buf[..n]);
        on_bytes(n as u64);
    }
    Ok(size)
}

/// A SHA-256 digest: 32 bytes kept, lowercase hex written. With 100,000
/// files, a hex String per file was 10 MB of the peak memory.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha256Digest(pub [u8; 32]);

impl std::fmt::Display for Sha256Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl std::fmt::Debug for Sha256Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl serde::Serialize for Sha256Digest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex(&self.0))
    }
}

impl PartialEq<str> for Sha256Digest {
    fn eq(&self, text: &str) -> bool {
        text.len() == 64 && hex(&self.0).eq_ignore_ascii_case(text)
    }
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// Worker threads when none are asked for: one per core (2 if unknown).
pub fn cores() -> usize {
    // wasm32 in a browser has no threads to spawn: everything runs on the
    // calling thread.
    if cfg!(target_family = "wasm") {
        return 1;
    }
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Run `work` over `order` (a permutation of `0..order.len()`) on
/// `threads` workers; results come back indexed by item. See [`fill_queue`].
pub fn run_queue<S, T: Send>(
    order: &[usize],
    threads: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, usize) -> T + Sync,
) -> Vec<T> {
    let mut slots: Vec<Option<T>> = (0..order.len()).map(|_| None).collect();
    fill_queue(
        order,
        threads,
        init,
        |state, i| Some(work(state, i)),
        &mut slots,
    );
    slots.into_iter().flatten().collect()
}

/// Run `work` over the items `order` names (indexes into `slots`) on
/// `threads` workers that each take the next item as they finish the last
/// (rayon's splitting would hand a worker a fixed half; a shared cursor keeps
/// the largest-first order exact). Each result is stored once, straight into
/// its slot (None leaves the slot as it was): with 100,000 files, per-worker
/// result lists merged afterwards were a third of the peak memory.
fn fill_queue<S, T: Send>(
    order: &[usize],
    threads: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, usize) -> Option<T> + Sync,
    slots: &mut [Option<T>],
) {
    // One worker runs on the calling thread: no thread is spawned (there
    // are none on wasm32), and -j1 costs no thread either.
    if threads <= 1 || order.len() <= 1 {
        let mut state = init();
        for &i in order {
            if let Some(result) = work(&mut state, i) {
                slots[i] = Some(result);
            }
        }
        return;
    }
    let next = AtomicUsize::new(0);
    let slots = std::sync::Mutex::new(slots);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.clamp(1, order.len().max(1)))
            .map(|_| {
                scope.spawn(|| {
                    let mut state = init();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&i) = order.get(k) else { break };
                        let Some(result) = work(&mut state, i) else {
                            continue;
                        };
                        // A poisoned lock only means another worker panicked;
                        // that panic is re-raised below.
                        let mut slots = slots.lock().unwrap_or_else(|e| e.into_inner());
                        slots[i] = Some(result);
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        }
    });
}

/// Receives each entry's bytes as a sequential scan reads them: how `pack`
/// copies into the bag the very bytes the check hashes, sniffs and probes.
pub trait Tee {
    /// The next entry is about to be read; `size` is what its listing or
    /// its open file says.
    fn start(&mut self, entry: &Entry, size: Option<u64>);
    /// Its next bytes, in order.
    fn bytes(&mut self, chunk: &[u8]);
    /// Its read ended: completely, or not.
    fn end(&mut self, complete: bool);
}

/// Blocks a sequential scan reads into; a hasher thread works on one while
/// the next is read.
const SEQUENTIAL_BLOCK: usize = 1 << 20;

/// Scan the entries `order` names, one after another in that order, each
/// byte read once and handed to `tee` as well as to the hash, sniffer and
/// index capture. SHA-256 runs on its own thread, so reading, copying and
/// hashing overlap. Results are in entry order (entries `order` leaves out
/// are "not read").
pub fn scan_sequentially(
    package: &Package,
    order: &[usize],
    limits: &Limits,
    progress: &(dyn Fn(Progress) + Sync),
    tee: &mut dyn Tee,
) -> Vec<io::Result<Scanned>> {
    use std::sync::Arc;
    use std::sync::mpsc::sync_channel;

    enum Job {
        Bytes(Arc<Vec<u8>>, usize),
        End,
    }
    let total = AtomicU64::new(0);
    let budget = Budget {
        limits,
        total: &total,
    };
    let mut slots: Vec<Option<io::Result<Scanned>>> =
        (0..package.entries.len()).map(|_| None).collect();
    let mut reader = package.reader();
    let digests = std::thread::scope(|scope| {
        let (to_hasher, jobs) = sync_channel::<Job>(4);
        let hasher = scope.spawn(move || {
            let mut digests = Vec::new();
            let mut hasher = Sha256::new();
            for job in jobs {
                match job {
                    Job::Bytes(block, n) => hasher.update(&block[..n]),
                    Job::End => {
                        digests.push(Sha256Digest(std::mem::take(&mut hasher).finalize().into()))
                    }
                }
            }
            digests
        });
        // Blocks the hasher may still hold; reused once it has let go.
        let mut sent: std::collections::VecDeque<Arc<Vec<u8>>> = Default::default();
        for &index in order {
            let entry = &package.entries[index];
            let mut sniffer = Sniffer::new();
            let mut capture = Capture::new();
            let result = reader.open_to_read(entry).and_then(|input| {
                let size = match &input {
                    Opened::File(_, meta) => Some(meta.len()),
                    Opened::Stream(_) => entry.declared_size,
                };
                if let Some(n) = size.filter(|_| entry.declared_size.is_none()) {
                    progress(Progress::Found(n));
                }
                tee.start(entry, size);
                read_entry_by(input, &mut |input, known| {
                    let mut size = 0u64;
                    while known.is_none_or(|k| size < k) {
                        let mut block = spare_block(&mut sent);
                        let n = match input.read(block_mut(&mut block)) {
                            Ok(0) => break,
                            Ok(n) => n,
                            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                            Err(e) => return Err(e),
                        };
                        size += n as u64;
                        budget.take(entry, n as u64, size)?;
                        let bytes = &block[..n];
                        sniffer.update(bytes);
                        capture.update(bytes);
                        tee.bytes(bytes);
                        progress(Progress::Read(n as u64));
                        let _ = to_hasher.send(Job::Bytes(Arc::clone(&block), n));
                        sent.push_back(block);
                    }
                    Ok(size)
                })
            });
            tee.end(result.is_ok());
            let _ = to_hasher.send(Job::End);
            slots[index] = Some(result.map(|size| Scanned {
                size,
                // Filled in from the hasher below.
                sha256: Sha256Digest([0; 32]),
                sniffed: sniffer.finish(),
                early_probe: early_probe(capture),
            }));
        }
        drop(to_hasher);
        hasher
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    });
    for (&index, digest) in order.iter().zip(digests) {
        if let Some(Ok(scanned)) = &mut slots[index] {
            scanned.sha256 = digest;
        }
    }
    slots
        .into_iter()
        .map(|slot| slot.unwrap_or_else(|| Err(io::Error::other("not read"))))
        .collect()
}

/// A block the hasher has let go of, or a new one.
fn spare_block(
    sent: &mut std::collections::VecDeque<std::sync::Arc<Vec<u8>>>,
) -> std::sync::Arc<Vec<u8>> {
    if sent
        .front()
        .is_some_and(|b| std::sync::Arc::strong_count(b) == 1)
        && let Some(block) = sent.pop_front()
    {
        return block;
    }
    // The hasher's queue is bounded, so only a few blocks are ever in
    // flight; past that many the oldest is let go.
    if sent.len() > 8 {
        sent.pop_front();
    }
    std::sync::Arc::new(vec![0u8; SEQUENTIAL_BLOCK])
}

/// The block's bytes to read into; a block still shared is replaced.
fn block_mut(block: &mut std::sync::Arc<Vec<u8>>) -> &mut [u8] {
    if std::sync::Arc::get_mut(block).is_none() {
        *block = std::sync::Arc::new(vec![0u8; SEQUENTIAL_BLOCK]);
    }
    std::sync::Arc::get_mut(block).map_or(&mut [], |b| &mut b[..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_returns_results_in_item_order() {
        let order = vec![3, 0, 2, 1];
        let out = run_queue(&order, 3, || (), |_, i| i * 10);
        assert_eq!(out, vec![0, 10, 20, 30]);
        assert!(run_queue(&[], 2, || (), |_, i| i).is_empty());
    }

    /// A folder listed without sizes: each size is found once (the progress
    /// total is right), big files wait for the second pass and still come
    /// back in entry order with the right digests.
    #[test]
    fn unsized_folder_finds_each_size_once_and_keeps_entry_order() {
        use std::sync::Mutex;
        let dir = tempfile::tempdir().unwrap();
        let sizes = [
            10usize,
            LATER_BYTES as usize + 5,
            0,
            3 * LATER_BYTES as usize,
            7,
        ];
        for (i, n) in sizes.iter().enumerate() {
            std::fs::write(dir.path().join(format!("f{i}")), vec![i as u8; *n]).unwrap();
        }
        let package = Package::open_for_scan(dir.path(), &Limits::default()).unwrap();
        assert!(package.entries.iter().all(|e| e.declared_size.is_none()));
        let events = Mutex::new(Vec::new());
        let results = scan_package_with(&package, 2, &Limits::default(), &|p| {
            events.lock().unwrap().push(p)
        });
        let events = events.into_inner().unwrap();
        let found: Vec<u64> = events
            .iter()
            .filter_map(|p| match p {
                Progress::Found(n) => Some(*n),
                Progress::Read(_) => None,
            })
            .collect();
        let mut expected: Vec<u64> = sizes.iter().map(|&n| n as u64).collect();
        let mut found_sorted = found.clone();
        found_sorted.sort_unstable();
        expected.sort_unstable();
        assert_eq!(found_sorted, expected, "one Found per file");
        let read: u64 = events
            .iter()
            .filter_map(|p| match p {
                Progress::Read(n) => Some(*n),
                Progress::Found(_) => None,
            })
            .sum();
        assert_eq!(read, expected.iter().sum::<u64>());
        for (entry, result) in package.entries.iter().zip(results) {
            let i: usize = entry.path[1..].parse().unwrap();
            let scanned = result.unwrap();
            assert_eq!(scanned.size, sizes[i] as u64, "{}", entry.path);
            let want: [u8; 32] = Sha256::digest(vec![i as u8; sizes[i]]).into();
            assert_eq!(scanned.sha256, Sha256Digest(want), "{}", entry.path);
        }
    }

    /// Files are opened beneath the root, and a folder swapped for a link
    /// after the listing is not followed, whether it holds the file or sits
    /// two levels up (opening by the full path read whatever the link
    /// points at; O_NOFOLLOW alone saw only the last folder).
    #[cfg(target_os = "linux")]
    #[test]
    fn a_folder_replaced_by_a_link_after_listing_is_not_followed() {
        for (file, swapped) in [("lesson/a.txt", "lesson"), ("a/b/x.txt", "a")] {
            let dir = tempfile::tempdir().unwrap();
            let pkg = dir.path().join("pkg");
            std::fs::create_dir_all(pkg.join(file).parent().unwrap()).unwrap();
            std::fs::write(pkg.join(file), b"listed").unwrap();
            // The same layout elsewhere, with other bytes.
            let elsewhere = dir.path().join("elsewhere");
            let inner = std::path::Path::new(file).strip_prefix(swapped).unwrap();
            std::fs::create_dir_all(elsewhere.join(inner).parent().unwrap()).unwrap();
            std::fs::write(elsewhere.join(inner), b"secret").unwrap();
            let package = Package::open_for_scan(&pkg, &Limits::default()).unwrap();
            std::fs::rename(pkg.join(swapped), dir.path().join("moved")).unwrap();
            std::os::unix::fs::symlink(&elsewhere, pkg.join(swapped)).unwrap();
            let results = digest_package(&package, 1);
            let err = results[0].as_ref().unwrap_err().to_string();
            assert!(err.contains("folder was replaced"), "{file}: {err}");
        }
    }

    /// A package root given through a link is the user's choice: followed.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_root_named_through_a_link_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir_all(real.join("m")).unwrap();
        std::fs::write(real.join("m/x.txt"), b"x").unwrap();
        std::fs::write(real.join("top.txt"), b"t").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let package = Package::open_for_scan(&link, &Limits::default()).unwrap();
        let results = digest_package(&package, 1);
        assert_eq!(results.len(), 2);
        assert!(results.iter().all(Result::is_ok), "{results:?}");
    }

    #[test]
    fn a_digest_is_written_and_compared_as_lowercase_hex() {
        let mut bytes = [0u8; 32];
        bytes[0] = 0xab;
        bytes[31] = 0x01;
        let d = Sha256Digest(bytes);
        let hex = format!("ab{}01", "00".repeat(30));
        assert_eq!(d.to_string(), hex);
        assert_eq!(serde_json::to_string(&d).unwrap(), format!("\"{hex}\""));
        assert!(d == *hex.as_str());
        assert!(d == *hex.to_uppercase().as_str());
        assert!(d != *"ab");
    }

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(hex(&[0x00, 0xab, 0x7f]), "00ab7f");
    }
}
