//! `trainpack verify PATH --manifest FILE`: has anything changed since the
//! manifest was made? Every difference is reported in one run.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;

use crate::error::Result;
use crate::manifest::{Manifest, ZipRecord};
use crate::rules::Severity;
use crate::scan::{digest_package, hex};
use crate::source::{Package, SourceKind, SourceNote};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// In the manifest, not in the package.
    Missing { path: String },
    /// In the package, not in the manifest.
    Extra { path: String },
    /// Same path, different size or digest.
    Changed {
        path: String,
        old_size: u64,
        new_size: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        old_sha256: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        new_sha256: Option<String>,
        /// With `--fast`, for a zip entry whose directory record (CRC-32,
        /// compressed size, method) differs from the manifest's: both.
        /// Boxed: every change (100,000 missing files) is as large as this
        /// variant, and these are rare.
        #[serde(skip_serializing_if = "Option::is_none")]
        old_zip: Option<Box<ZipRecord>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        new_zip: Option<Box<ZipRecord>>,
    },
    /// Same digest, new path.
    Renamed { from: String, to: String },
    /// In the manifest, present, but its bytes can no longer be read.
    Unreadable {
        path: String,
        reason: String,
        /// The reason in Chinese (for the terminal; JSON keeps `reason`).
        #[serde(skip)]
        reason_zh: String,
    },
    /// The zip file itself differs from the one the manifest recorded
    /// (`archive_size`, and `archive_sha256` unless `--fast`): bytes outside
    /// the entries (comments, padding, hidden local entries) count too.
    Archive {
        path: String,
        old_size: u64,
        new_size: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        old_sha256: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        new_sha256: Option<String>,
    },
    /// A listing hazard `check` reports (an unsafe name, an encrypted entry,
    /// a link, a special file, a limit hit): the package is not what a
    /// clean manifest vouches for, whatever its listed files say.
    Hazard {
        path: String,
        code: &'static str,
        message_en: String,
        message_zh: String,
    },
}

impl Change {
    pub fn path(&self) -> &str {
        match self {
            Change::Missing { path } | Change::Extra { path } | Change::Changed { path, .. } => {
                path
            }
            Change::Renamed { to, .. } => to,
            Change::Unreadable { path, .. }
            | Change::Archive { path, .. }
            | Change::Hazard { path, .. } => path,
        }
    }
}

/// What `verify` found.
#[derive(Debug, Default)]
pub struct Verification {
    /// Every difference, sorted by path.
    pub changes: Vec<Change>,
    /// With `fast`, zip entries compared by size only because the manifest
    /// records no CRC-32 for them (it was written before trainpack recorded
    /// one): a same-size rewrite of those goes unseen.
    pub sizes_only: u64,
}

/// Compare the package with the manifest. `fast` reads no file: it
/// compares presence and sizes as the folder or the zip directory declares
/// them and, for a zip entry, the CRC-32, compressed size and method its
/// directory states. So it cannot see renames, same-size edits in a
/// folder, or a zip rewritten with a directory that keeps the old CRC-32
/// and sizes while its data differ (the full verify reads the data).
pub fn verify(
    path: &Path,
    manifest: &Manifest,
    fast: bool,
    threads: usize,
) -> Result<Verification> {
    // `fast` compares the sizes the listing gives; otherwise every file is
    // read and the reader learns its size.
    let limits = crate::policy::Limits::for_verify();
    let package = if fast {
        Package::open_with(path, &limits)?
    } else {
        Package::open_for_scan(path, &limits)?
    };
    let mut changes = hazards(&package);
    if let (Some(old_size), SourceKind::Zip) = (manifest.package.archive_size, package.kind) {
        let old_sha256 = manifest.package.archive_sha256.as_deref();
        match archive_change(path, old_size, old_sha256, fast)? {
            Some(change) => changes.push(change),
            // The same bytes as when the manifest was made: every entry is
            // the same too, so they need no second read.
            None if !fast && old_sha256.is_some() => {
                changes.sort_by(|a, b| a.path().cmp(b.path()));
                return Ok(Verification {
                    changes,
                    sizes_only: 0,
                });
            }
            None => {}
        }
    }
    let mut unreadable: Vec<(String, crate::i18n::Text)> = Vec::new();
    // identity → (path shown, size, digest, zip directory record). A file
    // is identified by the bytes of its name when they are not UTF-8 (its
    // shown path may change when another file's name comes to decode
    // alike), else by its path.
    type Current = (String, u64, Option<String>, Option<ZipRecord>);
    let current: BTreeMap<String, Current> = if fast {
        package
            .entries
            .iter()
            .map(|e| {
                let key = identity(&e.path, e.os_name_bytes().map(hex).as_deref()).into_owned();
                let zip = e.zip_directory_record().map(ZipRecord::from);
                (
                    key,
                    (e.path.to_string(), e.declared_size.unwrap_or(0), None, zip),
                )
            })
            .collect()
    } else {
        // Digests only: no sniffing or probing, which verify has no use for.
        let digests = digest_package(&package, threads);
        let mut map = BTreeMap::new();
        for (entry, result) in package.entries.iter().zip(digests) {
            match result {
                Ok((size, sha256)) => {
                    let key = identity(&entry.path, entry.os_name_bytes().map(hex).as_deref())
                        .into_owned();
                    map.insert(key, (entry.path.to_string(), size, Some(sha256), None));
                }
                // A file that no longer reads (a zip entry whose CRC fails
                // after a flipped byte) has changed: say so, and go on.
                Err(e) => unreadable.push((entry.path.to_string(), crate::error::io_reason(&e))),
            }
        }
        map
    };
    // Keyed by the manifest's own paths, not copies: the manifest is the
    // input whose size is limited (MAX_MANIFEST_BYTES), and this map's
    // memory should not add another copy of its paths.
    let expected: BTreeMap<Cow<str>, (&str, u64, &str, Option<ZipRecord>)> = manifest
        .files
        .iter()
        .map(|f| {
            let key = identity(&f.path, f.path_bytes.as_deref());
            (key, (f.path.as_str(), f.size, f.sha256.as_str(), f.zip))
        })
        .collect();
    let mut sizes_only = 0u64;

    let mut missing = Vec::new();
    let unreadable_paths: std::collections::HashSet<&str> =
        unreadable.iter().map(|(p, _)| p.as_str()).collect();
    for (p, reason) in &unreadable {
        changes.push(Change::Unreadable {
            path: p.clone(),
            reason: reason.en.clone(),
            reason_zh: reason.zh.clone(),
        });
    }
    for (key, &(p, size, sha, old_zip)) in &expected {
        if unreadable_paths.contains(p) {
            continue;
        }
        match current.get(key.as_ref()) {
            None => missing.push((p, size, sha)),
            Some((shown, new_size, new_sha, new_zip)) => {
                let digest_differs = new_sha
                    .as_deref()
                    .is_some_and(|n| !n.eq_ignore_ascii_case(sha));
                // Only `fast` reads the directory records (the full verify
                // has the digest); an old manifest has none to compare.
                let zip_differs = match (old_zip, new_zip) {
                    (Some(old), Some(new)) => old != *new,
                    (None, Some(_)) => {
                        sizes_only += 1;
                        false
                    }
                    _ => false,
                };
                if *new_size != size || digest_differs || zip_differs {
                    changes.push(Change::Changed {
                        path: shown.clone(),
                        old_size: size,
                        new_size: *new_size,
                        old_sha256: new_sha.as_ref().map(|_| sha.to_owned()),
                        new_sha256: new_sha.clone(),
                        old_zip: old_zip.filter(|_| zip_differs).map(Box::new),
                        new_zip: new_zip.filter(|_| zip_differs).map(Box::new),
                    });
                }
            }
        }
    }
    // Extra files by digest, so a missing file with the same digest is a rename.
    let mut extra_by_digest: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut extras: Vec<&str> = Vec::new();
    for (key, (p, _, sha, _)) in &current {
        if !expected.contains_key(key.as_str()) {
            extras.push(p);
            if let Some(sha) = sha {
                extra_by_digest.entry(sha.as_str()).or_default().push(p);
            }
        }
    }
    let mut renamed_to = std::collections::HashSet::new();
    for (p, _, sha) in missing {
        let target = extra_by_digest
            .get_mut(sha.to_ascii_lowercase().as_str())
            .and_then(|v| (!v.is_empty()).then(|| v.remove(0)));
        match target {
            Some(to) => {
                renamed_to.insert(to);
                changes.push(Change::Renamed {
                    from: p.to_owned(),
                    to: to.to_owned(),
                });
            }
            None => changes.push(Change::Missing { path: p.to_owned() }),
        }
    }
    for p in extras.into_iter().filter(|p| !renamed_to.contains(p)) {
        changes.push(Change::Extra { path: p.to_owned() });
    }
    changes.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(Verification {
        changes,
        sizes_only,
    })
}

/// What identifies a file between the manifest and the package: the bytes
/// of its name (hex) when they are not UTF-8, else its path. NUL never
/// occurs in a path, so the two kinds of key never meet.
fn identity<'a>(path: &'a str, path_bytes: Option<&str>) -> Cow<'a, str> {
    match path_bytes {
        Some(bytes) => Cow::Owned(format!("\0{}", bytes.to_ascii_lowercase())),
        None => Cow::Borrowed(path),
    }
}

/// Every listing hazard of the package that `check` reports as an error,
/// and links and special files (never read, so never in a manifest).
fn hazards(package: &Package) -> Vec<Change> {
    package
        .notes
        .iter()
        .filter_map(|note| {
            let finding = crate::rules::note_finding(note)?;
            let hazard = finding.severity == Severity::Error
                || matches!(
                    note,
                    SourceNote::Symlink { .. } | SourceNote::SpecialFile { .. }
                );
            hazard.then(|| Change::Hazard {
                path: finding.path.as_deref().unwrap_or("").to_owned(),
                code: finding.code(),
                message_en: finding.message().en,
                message_zh: finding.message().zh,
            })
        })
        .collect()
}

/// The zip file against the manifest's record of it: None when it is the
/// same (by size when `fast`, else by size and SHA-256).
fn archive_change(
    path: &Path,
    old_size: u64,
    old_sha256: Option<&str>,
    fast: bool,
) -> Result<Option<Change>> {
    let unreadable = |e| crate::error::Error::Unreadable {
        path: path.to_owned(),
        source: e,
    };
    let new_size = std::fs::metadata(path).map_err(unreadable)?.len();
    let (new_sha256, same_digest) = match old_sha256 {
        Some(old) if !fast && new_size == old_size => {
            let (sha, _) = crate::manifest::hash_file(path).map_err(unreadable)?;
            let same = sha.eq_ignore_ascii_case(old);
            (Some(sha), same)
        }
        _ => (None, true),
    };
    if new_size == old_size && same_digest {
        return Ok(None);
    }
    Ok(Some(Change::Archive {
        path: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        old_size,
        new_size,
        old_sha256: new_sha256.as_ref().and(old_sha256.map(str::to_owned)),
        new_sha256,
    }))
}
