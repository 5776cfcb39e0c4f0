//! The progress bar on stderr that `check`, `manifest`, `pack` and `audit`
//! draw while reading a package (only ever on a terminal).

use std::sync::{Arc, Mutex};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::check::ProgressView;
use crate::scan::Progress;

/// A bar made fresh for each scan.
#[derive(Default)]
struct TerminalBar(Mutex<Option<ProgressBar>>);

/// A progress view drawing a bar on stderr.
pub fn on_stderr() -> Arc<dyn ProgressView> {
    Arc::new(TerminalBar::default())
}

impl ProgressView for TerminalBar {
    fn begin(&self, declared_bytes: u64) {
        let bar = ProgressBar::with_draw_target(Some(declared_bytes), ProgressDrawTarget::stderr());
        // No words: the bar reads the same in both languages (~ marks the
        // time left).
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {bytes}/{total_bytes} {wide_bar} {bytes_per_sec} ~{eta}",
        ) {
            bar.set_style(style);
        }
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar);
    }

    fn advance(&self, progress: Progress) {
        if let Some(bar) = &*self.0.lock().unwrap_or_else(|e| e.into_inner()) {
            match progress {
                Progress::Found(n) => bar.inc_length(n),
                Progress::Read(n) => bar.inc(n),
            }
        }
    }

    fn end(&self) {
        if let Some(bar) = self.0.lock().unwrap_or_else(|e| e.into_inner()).take() {
            bar.finish_and_clear();
        }
    }
}
