//! What the program takes from its surroundings, read once at start: the
//! environment variables and the clock. The core crate reads neither; it is
//! given the language, the day and the programs found here.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::OnceLock;

use time::Date;

use crate::i18n::Lang;

/// Every environment variable trainpack reads.
#[derive(Clone, Debug, Default)]
pub struct Env {
    /// `LC_ALL`, then `LC_MESSAGES`, then `LANG` (as POSIX orders them): the
    /// first one set.
    pub locale: Option<String>,
    /// `TRAINPACK_TODAY` (YYYY-MM-DD): the day deadlines are measured from,
    /// for reproducible runs and tests.
    pub today_pin: Option<Date>,
    /// `SOURCE_DATE_EPOCH`: the date `pack` gives the bag.
    pub source_date_epoch: Option<i64>,
    /// `TRAINPACK_FFPROBE`, `TRAINPACK_FFMPEG`: the programs to use (set but
    /// empty counts as unset).
    pub ffprobe: Option<PathBuf>,
    pub ffmpeg: Option<PathBuf>,
    /// `PATH`, where ffprobe and ffmpeg are looked for otherwise.
    pub path: Option<OsString>,
    /// `NO_COLOR` is set: no colour on a terminal.
    pub no_color: bool,
}

static ENV: OnceLock<Env> = OnceLock::new();

/// The environment, read on first use (`cli::main` uses it first).
pub fn get() -> &'static Env {
    ENV.get_or_init(Env::read)
}

impl Env {
    fn read() -> Env {
        let set = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        Env {
            locale: ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .filter_map(|k| std::env::var(k).ok())
                .find(|v| !v.is_empty()),
            today_pin: std::env::var("TRAINPACK_TODAY")
                .ok()
                .and_then(|v| crate::descriptor::parse_date(&v).ok()),
            source_date_epoch: std::env::var("SOURCE_DATE_EPOCH")
                .ok()
                .and_then(|v| v.trim().parse::<i64>().ok()),
            ffprobe: set("TRAINPACK_FFPROBE").map(PathBuf::from),
            ffmpeg: set("TRAINPACK_FFMPEG").map(PathBuf::from),
            path: std::env::var_os("PATH"),
            no_color: std::env::var_os("NO_COLOR").is_some(),
        }
    }

    /// Chinese on a `zh` locale (without a locale variable, the user's
    /// locale on Windows), English otherwise.
    pub fn lang(&self) -> Lang {
        let locale = (self.locale.clone())
            .or_else(crate::platform::user_locale)
            .unwrap_or_default();
        if locale.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// Today's date: `TRAINPACK_TODAY` when set, else the local date (China
    /// is UTC+8), else UTC.
    pub fn today(&self) -> Date {
        if let Some(d) = self.today_pin {
            return d;
        }
        time::OffsetDateTime::now_local()
            .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
            .date()
    }
}

/// The current time as RFC 3339 UTC, to the second.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
