// Tests read the samples and write zips on disk.
#![allow(clippy::disallowed_methods)]

//! The browser's two ways in give the report the command line gives: a
//! folder handed over as its files (`Package::from_items`) and a zip held
//! in memory (`Package::from_zip`), compared with the same package opened
//! from disk as a folder and as a zip file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use trainpack_core::check::{CheckOptions, check_package};
use trainpack_core::i18n::Lang;
use trainpack_core::policy::Policy;
use trainpack_core::report::json;
use trainpack_core::source::{Package, ReadAt, SeekAdapter};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples")
        .join(name)
}

fn options() -> CheckOptions {
    // The built-in probe alone (no ffprobe here), on the calling thread as
    // in a browser.
    let mut opts = CheckOptions::new(Policy::default(), time::macros::date!(2026 - 01 - 15));
    opts.threads = 1;
    opts
}

/// The report as JSON, without the package path (the in-memory package is
/// named, not found at a path).
fn report_json(package: &Package, path: &Path) -> serde_json::Value {
    let report = check_package(package, path, &options());
    let mut value: serde_json::Value =
        serde_json::from_str(&json::render(&report, Lang::En)).unwrap();
    value["package"]
        .as_object_mut()
        .unwrap()
        .remove("path")
        .expect("a package path");
    value
}

/// Every file under `dir`, with its path relative to `dir`.
fn files_under(dir: &Path, base: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, base, out);
        } else {
            let relative = path.strip_prefix(base).unwrap().to_str().unwrap();
            out.push((relative.replace('\\', "/"), std::fs::read(&path).unwrap()));
        }
    }
}

/// The folder zipped (stored and deflated entries alike), as bytes.
fn zipped(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (i, (name, bytes)) in files.iter().enumerate() {
        let method = if i % 2 == 0 {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        w.start_file(name.as_str(), options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn assert_alike(name: &str) {
    let folder = sample(name);
    let limits = Policy::default().limits;
    let mut files = Vec::new();
    files_under(&folder, &folder, &mut files);
    assert!(files.len() > 3, "{name}: no sample files");

    let on_disk = Package::open_with(&folder, &limits).unwrap();
    let expected = report_json(&on_disk, &folder);

    let items: Vec<(String, Arc<dyn ReadAt>)> = files
        .iter()
        .map(|(path, bytes)| (path.clone(), Arc::new(bytes.clone()) as Arc<dyn ReadAt>))
        .collect();
    let dropped = Package::from_items(items, name, &limits);
    assert_eq!(
        report_json(&dropped, Path::new(name)),
        expected,
        "{name}: from_items"
    );

    // A zip of the folder, from disk and from memory (bytes, and a
    // Read + Seek backend) gives one report too.
    let bytes = zipped(&files);
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join(format!("{name}.zip"));
    std::fs::write(&zip_path, &bytes).unwrap();
    let zip_on_disk = Package::open_with(&zip_path, &limits).unwrap();
    let expected_zip = report_json(&zip_on_disk, &zip_path);
    let in_memory = Package::from_zip(Arc::new(bytes.clone()), name, &limits).unwrap();
    assert_eq!(
        report_json(&in_memory, Path::new(name)),
        expected_zip,
        "{name}: from_zip"
    );
    let seeking = SeekAdapter::new(std::io::Cursor::new(bytes)).unwrap();
    let adapted = Package::from_zip(Arc::new(seeking), name, &limits).unwrap();
    assert_eq!(
        report_json(&adapted, Path::new(name)),
        expected_zip,
        "{name}: SeekAdapter"
    );
}

#[test]
fn a_passing_package_in_memory_reads_as_on_disk() {
    assert_alike("pass");
}

#[test]
fn a_failing_package_in_memory_reads_as_on_disk() {
    assert_alike("fail");
}
