//! The check in the browser: the core's pipeline, with the built-in probes
//! only (as the CLI's `check --probe builtin`), over the `File`s the worker
//! hands in.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::Blob;

use trainpack_core::check::{CheckOptions, ProgressView, check_package};
use trainpack_core::i18n::{Lang, Text};
use trainpack_core::manifest::Manifest;
use trainpack_core::policy::{PROFILES, Policy};
use trainpack_core::report::{self, Report, Verdict};
use trainpack_core::scan::Progress;
use trainpack_core::source::{Package, ReadAt};

use crate::blob::BlobReadAt;

/// The names of the built-in policy profiles, the default first.
#[wasm_bindgen]
pub fn profiles() -> Vec<String> {
    PROFILES.iter().map(|p| (*p).to_owned()).collect()
}

/// What the page asks to check, and how.
#[wasm_bindgen]
pub struct CheckRequest {
    zip: bool,
    name: String,
    lang: Lang,
    today: String,
    files: Vec<(String, Blob)>,
    profile: Option<String>,
    /// A policy file's name (its extension says JSON or TOML) and text.
    policy: Option<(String, String)>,
}

#[wasm_bindgen]
impl CheckRequest {
    /// `kind`: "zip" (one file, the zip) or "folder"; `name`: the folder's
    /// or the zip's name; `today`: YYYY-MM-DD, the day deadlines count from.
    #[wasm_bindgen(constructor)]
    pub fn new(kind: &str, name: String, lang: &str, today: String) -> CheckRequest {
        CheckRequest {
            zip: kind == "zip",
            name,
            lang: lang_of(lang),
            today,
            files: Vec::new(),
            profile: None,
            policy: None,
        }
    }

    /// One file: its path inside the package ('/'-separated), and itself.
    pub fn add(&mut self, path: String, file: Blob) {
        self.files.push((path, file));
    }

    /// A built-in policy profile (`--profile`).
    pub fn profile(&mut self, name: String) {
        self.profile = Some(name);
    }

    /// A policy file (`--policy`), by its name and text.
    pub fn policy(&mut self, name: String, text: String) {
        self.policy = Some((name, text));
    }
}

/// A finished check: the report, rendered on demand in either language.
#[wasm_bindgen]
pub struct Checked {
    report: Report,
    package: Package,
}

#[wasm_bindgen]
impl Checked {
    /// "pass" or "fail".
    pub fn verdict(&self) -> String {
        match self.report.verdict {
            Verdict::Pass => "pass".to_owned(),
            Verdict::Fail => "fail".to_owned(),
        }
    }

    /// The CLI's exit code for this verdict: 0 pass, 1 fail.
    pub fn exit_code(&self) -> u8 {
        match self.report.verdict {
            Verdict::Pass => 0,
            Verdict::Fail => 1,
        }
    }

    /// The JSON report, as `trainpack check --json` writes it.
    pub fn json(&self, lang: &str) -> String {
        report::json::render(&self.report, lang_of(lang))
    }

    /// The core's HTML report page, as `trainpack check --html` writes it.
    pub fn html(&self, lang: &str) -> String {
        report::html::render(&self.report, lang_of(lang))
    }

    /// The manifest, as `trainpack manifest` writes it; for a zip it holds
    /// the zip's own SHA-256 (one more read of the whole file).
    pub fn manifest(&self, created: String) -> Result<String, JsError> {
        let archive = match (self.package.archive_sha256(), self.package.archive_len()) {
            (Some(sha), Some(len)) => Some((sha, len)),
            _ => None,
        };
        Ok(Manifest::from_report(&self.report, &self.package, archive, created).to_json())
    }
}

/// Check a package: `begin(bytes, files)` once the listing is known,
/// `progress(bytes, files)` as it is read.
#[wasm_bindgen]
pub fn check(
    request: CheckRequest,
    begin: Function,
    progress: Function,
) -> Result<Checked, JsError> {
    let lang = request.lang;
    let fail = |text: Text| JsError::new(text.get(lang));
    let policy = policy_of(&request).map_err(fail)?;
    let today = time::Date::parse(
        &request.today,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|e| JsError::new(&format!("today: {e}")))?;
    let name = request.name.clone();
    // Files read to their end; a zip's entries are not files of their own.
    let files_read = Arc::new(AtomicU32::new(0));
    let package = if request.zip {
        let (_, file) = request
            .files
            .into_iter()
            .next()
            .ok_or_else(|| JsError::new("no zip file given"))?;
        let source: Arc<dyn ReadAt> = Arc::new(BlobReadAt::new(file)?);
        Package::from_zip(source, &name, &policy.limits)
    } else {
        let mut items = Vec::with_capacity(request.files.len());
        for (path, file) in request.files {
            let reader = BlobReadAt::new(file)?.counting_into(Arc::clone(&files_read));
            items.push((path, Arc::new(reader) as Arc<dyn ReadAt>));
        }
        Ok(Package::from_items(items, &name, &policy.limits))
    }
    .map_err(|e| fail(Text::from(e)))?;

    let mut options = CheckOptions::new(policy, today);
    let counted = (!request.zip).then_some(files_read);
    let view = PageProgress::new(begin, progress, package.entries.len(), counted);
    options.progress = Some(Arc::new(view));
    let report = check_package(&package, Path::new(&name), &options);
    Ok(Checked { report, package })
}

/// The policy asked for: a file's (over its profile or the one chosen), a
/// profile, or the default.
fn policy_of(request: &CheckRequest) -> Result<Policy, Text> {
    match (&request.policy, &request.profile) {
        (Some((name, text)), profile) => {
            Policy::from_text(text, Path::new(name), profile.as_deref()).map_err(Text::from)
        }
        (None, Some(name)) => {
            Policy::profile(name).ok_or_else(|| trainpack_core::policy::unknown_profile(name))
        }
        (None, None) => Ok(Policy::default()),
    }
}

fn lang_of(lang: &str) -> Lang {
    if lang.starts_with("zh") {
        Lang::Zh
    } else {
        Lang::En
    }
}

/// Tells the page how far the scan has read: bytes (of the entries'
/// declared sizes, grown by those found larger) and, for a folder, files.
struct PageProgress {
    begin: Function,
    progress: Function,
    files: usize,
    files_read: Option<Arc<AtomicU32>>,
    total: std::cell::Cell<u64>,
    read: std::cell::Cell<u64>,
}

impl PageProgress {
    fn new(
        begin: Function,
        progress: Function,
        files: usize,
        files_read: Option<Arc<AtomicU32>>,
    ) -> PageProgress {
        PageProgress {
            begin,
            progress,
            files,
            files_read,
            total: std::cell::Cell::new(0),
            read: std::cell::Cell::new(0),
        }
    }

    /// The totals, to the page's `begin(bytes, files)`.
    fn tell_totals(&self) {
        let _ = self.begin.call2(
            &JsValue::NULL,
            &JsValue::from_f64(self.total.get() as f64),
            &JsValue::from_f64(self.files as f64),
        );
    }
}

// SAFETY: as for `BlobReadAt` (blob.rs): one thread on this target.
#[cfg(not(target_feature = "atomics"))]
unsafe impl Send for PageProgress {}
#[cfg(not(target_feature = "atomics"))]
unsafe impl Sync for PageProgress {}

impl ProgressView for PageProgress {
    fn begin(&self, declared_bytes: u64) {
        self.total.set(declared_bytes);
        self.tell_totals();
    }

    fn advance(&self, progress: Progress) {
        match progress {
            Progress::Found(n) => {
                self.total.set(self.total.get() + n);
                self.tell_totals();
            }
            Progress::Read(n) => {
                self.read.set(self.read.get() + n);
                let files = match &self.files_read {
                    Some(count) => JsValue::from(count.load(Ordering::Relaxed)),
                    None => JsValue::NULL,
                };
                let _ = self.progress.call2(
                    &JsValue::NULL,
                    &JsValue::from_f64(self.read.get() as f64),
                    &files,
                );
            }
        }
    }

    fn end(&self) {}
}
