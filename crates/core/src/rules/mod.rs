//! Every finding trainpack can report, defined once: a stable code, a
//! default severity, what it checks, why it matters, how to fix it and an
//! example, in English and Chinese, with a typed message — the way clippy
//! and ruff define lints. Rules never print; renderers do.
//!
//! To add a rule: one `rules!` entry in the file of the stage that detects
//! it (its message struct comes with it), the code that builds the struct
//! and calls `.finding(path)`, and a test that triggers it on a real file.

use serde::Serialize;

use crate::i18n::{Lang, Text};
use crate::policy::Level;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Severity::Error => lang.pick("error", "错误"),
            Severity::Warning => lang.pick("warning", "警告"),
            Severity::Info => lang.pick("info", "提示"),
        }
    }
}

/// A rule: its identity and documentation.
#[derive(Debug)]
pub struct Rule {
    /// Stable code, never reused (`TP001`).
    pub code: &'static str,
    /// Stable kebab-case name.
    pub name: &'static str,
    /// The severity it has when on: by default, or when a policy turns it on
    /// without naming a level.
    pub severity: Severity,
    /// Whether the default policy emits it at all.
    pub default_on: bool,
    /// What it checks, one line.
    pub summary_en: &'static str,
    pub summary_zh: &'static str,
    /// Why it matters.
    pub rationale: &'static str,
    pub rationale_zh: &'static str,
    /// How to fix it.
    pub fix_en: &'static str,
    pub fix_zh: &'static str,
    /// An example that triggers it.
    pub example: &'static str,
    pub example_zh: &'static str,
}

impl Rule {
    pub fn summary(&self, lang: Lang) -> &'static str {
        lang.pick(self.summary_en, self.summary_zh)
    }
    pub fn rationale(&self, lang: Lang) -> &'static str {
        lang.pick(self.rationale, self.rationale_zh)
    }
    pub fn fix(&self, lang: Lang) -> &'static str {
        lang.pick(self.fix_en, self.fix_zh)
    }
    pub fn example(&self, lang: Lang) -> &'static str {
        lang.pick(self.example, self.example_zh)
    }
    /// Whether the default policy emits this rule at all.
    pub fn on_by_default(&self) -> bool {
        self.default_on
    }
    /// Its level under the default policy: the one place a default lives.
    pub fn default_level(&self) -> Level {
        if !self.default_on {
            return Level::Off;
        }
        match self.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
            Severity::Info => Level::Info,
        }
    }
}

/// One occurrence of a rule: its arguments as typed fields (one struct per
/// rule, declared with the rule by `rules!`), rendered into both languages
/// only when a report is written.
pub trait Violation: std::fmt::Debug + Send + Sync + 'static {
    fn rule(&self) -> &'static Rule;
    /// The message, in English and Chinese.
    fn message(&self) -> Text;
    fn clone_box(&self) -> Box<dyn Violation>;

    /// A finding at the rule's default severity; `path` is None for the
    /// whole package.
    fn finding(self, path: Option<&str>) -> Finding
    where
        Self: Sized,
    {
        let rule = self.rule();
        Finding {
            rule,
            severity: rule.severity,
            path: path.map(str::to_owned),
            violation: Box::new(self),
        }
    }

    /// A finding at the severity the policy sets for this rule.
    fn finding_at(self, severity: Severity, path: Option<&str>) -> Finding
    where
        Self: Sized,
    {
        Finding {
            severity,
            ..self.finding(path)
        }
    }
}

/// One problem found in one package, as plain data: the rule, where, how
/// much it matters under the policy, and the violation's arguments.
#[derive(Debug)]
pub struct Finding {
    pub rule: &'static Rule,
    /// The effective severity (the policy may raise or lower the rule's).
    pub severity: Severity,
    /// Package-relative path the finding concerns; None for the whole package.
    pub path: Option<String>,
    violation: Box<dyn Violation>,
}

impl Finding {
    pub fn code(&self) -> &'static str {
        self.rule.code
    }
    pub fn name(&self) -> &'static str {
        self.rule.name
    }
    pub fn message(&self) -> Text {
        self.violation.message()
    }
    /// How to fix it: the rule's advice.
    pub fn hint(&self) -> Text {
        Text::new(self.rule.fix_en, self.rule.fix_zh)
    }
    /// The same finding at another severity (the policy's level).
    pub fn with_severity(self, severity: Severity) -> Finding {
        Finding { severity, ..self }
    }
    pub fn violation(&self) -> &dyn Violation {
        &*self.violation
    }
}

impl Clone for Finding {
    fn clone(&self) -> Finding {
        Finding {
            rule: self.rule,
            severity: self.severity,
            path: self.path.clone(),
            violation: self.violation.clone_box(),
        }
    }
}

impl PartialEq for Finding {
    fn eq(&self, other: &Finding) -> bool {
        self.rule.code == other.rule.code
            && self.severity == other.severity
            && self.path == other.path
            && self.message() == other.message()
    }
}

/// The same shape as before rules became units: code, name, severity,
/// path, message and hint, each message in both languages.
impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Finding", 6)?;
        st.serialize_field("code", self.rule.code)?;
        st.serialize_field("name", self.rule.name)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("path", &self.path)?;
        st.serialize_field("message", &self.message())?;
        st.serialize_field("hint", &self.hint())?;
        st.end()
    }
}

/// Declares rules, each with its documentation and the struct holding a
/// violation's arguments, whose `=>` expression renders both languages (the
/// fields are in scope by name). `off_by_default` after the severity: the
/// default policy does not run it.
macro_rules! rules {
    ($( $ident:ident = $code:literal $name:literal $sev:ident $($off:ident)? {
        summary: $sen:literal / $szh:literal,
        why: $why:literal / $whyzh:literal,
        fix: $fen:literal / $fzh:literal,
        example: $ex:literal / $exzh:literal,
        message: $msg:ident { $($field:ident : $ty:ty),* $(,)? } => $render:expr $(,)?
    } )*) => {
        $(
            pub static $ident: $crate::rules::Rule = $crate::rules::Rule {
                code: $code, name: $name, severity: $crate::rules::Severity::$sev,
                default_on: stringify!($($off)?).is_empty(),
                summary_en: $sen, summary_zh: $szh, rationale: $why,
                rationale_zh: $whyzh, fix_en: $fen, fix_zh: $fzh, example: $ex,
                example_zh: $exzh,
            };

            #[doc = concat!("The arguments of a ", $code, " finding.")]
            #[derive(Clone, Debug)]
            pub struct $msg { $(pub $field: $ty),* }

            impl $crate::rules::Violation for $msg {
                fn rule(&self) -> &'static $crate::rules::Rule {
                    &$ident
                }
                fn message(&self) -> Text {
                    let $msg { $($field),* } = self;
                    $render
                }
                fn clone_box(&self) -> Box<dyn $crate::rules::Violation> {
                    Box::new(self.clone())
                }
            }
        )*

        /// This stage's rules, in code order.
        pub(super) static RULES: &[&$crate::rules::Rule] = &[$(&$ident),*];
    };
}

// By pipeline stage; a new rule goes in its stage's file.
mod audit;
mod identify;
mod integrity;
mod listing;
mod package;
mod video;

pub use audit::*;
pub use identify::*;
pub use integrity::*;
pub use listing::*;
pub use package::*;
pub use video::*;

/// Every rule, in code order.
pub static ALL: std::sync::LazyLock<Vec<&'static Rule>> = std::sync::LazyLock::new(|| {
    let mut all: Vec<&'static Rule> = [
        package::RULES,
        audit::RULES,
        identify::RULES,
        video::RULES,
        listing::RULES,
        integrity::RULES,
    ]
    .concat();
    all.sort_by_key(|r| r.code);
    all
});

pub fn by_code(code: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique() {
        let mut codes: Vec<_> = ALL.iter().map(|r| r.code).collect();
        let mut names: Vec<_> = ALL.iter().map(|r| r.name).collect();
        codes.sort();
        names.sort();
        codes.dedup();
        names.dedup();
        assert_eq!(codes.len(), ALL.len());
        assert_eq!(names.len(), ALL.len());
        assert!(by_code("TP001").is_some_and(|r| r.severity == Severity::Error));
    }

    /// `ALL` holds every stage's rules once, in code order, and a finding
    /// renders from its rule and arguments.
    #[test]
    fn the_registry_is_complete_and_in_code_order() {
        let stages = [
            package::RULES,
            audit::RULES,
            identify::RULES,
            video::RULES,
            listing::RULES,
            integrity::RULES,
        ];
        assert_eq!(ALL.len(), stages.iter().map(|s| s.len()).sum::<usize>());
        assert!(ALL.windows(2).all(|w| w[0].code < w[1].code));
        let off: Vec<_> = ALL
            .iter()
            .filter(|r| !r.on_by_default())
            .map(|r| r.code)
            .collect();
        assert_eq!(off, ["TP066", "TP069"]);
        let f = LowFrameRate {
            fps: 10.0,
            min: 24.0,
        }
        .finding(Some("a.mp4"));
        assert_eq!((f.code(), f.severity), ("TP067", Severity::Warning));
        assert_eq!(f.message().en, "10.00 fps; at least 24 required");
        assert_eq!(f.message().zh, "帧率 10.00；要求至少 24");
        assert_eq!(f.hint().zh, LOW_FRAME_RATE.fix_zh);
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["message"]["zh"], "帧率 10.00；要求至少 24");
        assert_eq!(json["name"], "video-frame-rate-low");
    }
}
