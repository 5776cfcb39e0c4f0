//! What a batch says while it runs: on a terminal, indicatif bars (total
//! bytes with rate and ETA, and a line per package in flight); otherwise one
//! plain line per finished or skipped package; nothing with `--quiet`.

use std::collections::HashMap;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::catalog::{PackageRow, Status};
use super::row_ratio;
use crate::i18n::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgressMode {
    Bars,
    Plain,
    Quiet,
}

pub struct Progress {
    mode: ProgressMode,
    lang: Lang,
    multi: Option<MultiProgress>,
    total: Option<ProgressBar>,
    in_flight: HashMap<usize, ProgressBar>,
    done: usize,
    count: usize,
}

impl Progress {
    /// `count` packages in this run's selection, `bytes` to be read.
    pub fn new(mode: ProgressMode, lang: Lang, count: usize, bytes: u64) -> Progress {
        let (multi, total) = if mode == ProgressMode::Bars {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let total = multi.add(ProgressBar::new(bytes));
            if let Ok(style) = ProgressStyle::with_template(match lang {
                Lang::En => {
                    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}"
                }
                Lang::Zh => {
                    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} 剩余 {eta} {msg}"
                }
            }) {
                total.set_style(style);
            }
            total.enable_steady_tick(Duration::from_millis(200));
            (Some(multi), Some(total))
        } else {
            (None, None)
        };
        let mut p = Progress {
            mode,
            lang,
            multi,
            total,
            in_flight: HashMap::new(),
            done: 0,
            count,
        };
        p.update_message();
        p
    }

    fn update_message(&mut self) {
        if let Some(total) = &self.total {
            total.set_message(match self.lang {
                Lang::En => format!("{}/{} packages", self.done, self.count),
                Lang::Zh => format!("{}/{} 个包", self.done, self.count),
            });
        }
    }

    /// A line for the log: above the bars on a terminal, plain otherwise.
    pub fn line(&self, text: &str) {
        match (self.mode, &self.multi) {
            (ProgressMode::Quiet, _) => {}
            (ProgressMode::Bars, Some(multi)) => {
                if multi.println(text).is_err() {
                    eprintln!("{text}");
                }
            }
            _ => eprintln!("{text}"),
        }
    }

    pub fn skipped(&mut self, name: &str) {
        self.done += 1;
        let text = format!(
            "[{}/{}] {name}{}{}",
            self.done,
            self.count,
            self.lang.pick(": ", "："),
            self.lang.pick("unchanged, skipped", "未变化，已跳过")
        );
        self.line(&text);
        self.update_message();
    }

    pub fn started(&mut self, index: usize, name: &str) {
        let Some(multi) = &self.multi else { return };
        let bar = multi.add(ProgressBar::new_spinner());
        if let Ok(style) = ProgressStyle::with_template("  {spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message(name.to_owned());
        bar.enable_steady_tick(Duration::from_millis(150));
        self.in_flight.insert(index, bar);
    }

    pub fn finished(&mut self, index: usize, bytes: u64, row: &PackageRow, took: Duration) {
        if let Some(bar) = self.in_flight.remove(&index) {
            bar.finish_and_clear();
            if let Some(multi) = &self.multi {
                multi.remove(&bar);
            }
        }
        if let Some(total) = &self.total {
            total.inc(bytes);
        }
        self.done += 1;
        let secs = took.as_secs_f64();
        let ratio = row
            .video_ratio
            .as_deref()
            .map(|v| row_ratio(Some(v)).to_string())
            .unwrap_or_default();
        let outcome = match (row.status, self.lang) {
            (Status::Error, Lang::En) => format!(
                "could not be processed: {}",
                row.error_text.as_deref().unwrap_or("")
            ),
            (Status::Error, Lang::Zh) => {
                format!("无法处理：{}", row.error_text.as_deref().unwrap_or(""))
            }
            (s, Lang::En) => format!(
                "{} ({}/{} video, {ratio}) in {secs:.1} s",
                if s == Status::Pass { "pass" } else { "fail" },
                row.videos,
                row.course_resources
            ),
            (s, Lang::Zh) => format!(
                "{}（视频 {}/{}，{ratio}），用时 {secs:.1} 秒",
                if s == Status::Pass {
                    "通过"
                } else {
                    "不通过"
                },
                row.videos,
                row.course_resources
            ),
        };
        let colon = self.lang.pick(": ", "：");
        let text = format!(
            "[{}/{}] {}{colon}{outcome}",
            self.done, self.count, row.name
        );
        self.line(&text);
        self.update_message();
    }

    pub fn finish(self) {
        for bar in self.in_flight.values() {
            bar.finish_and_clear();
        }
        if let Some(total) = &self.total {
            total.finish_and_clear();
        }
        if let Some(multi) = &self.multi {
            let _ = multi.clear();
        }
    }
}
