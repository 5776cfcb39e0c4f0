//! The policy: what is counted and what share of it must be video. Data, not
//! code: a built-in default (the 2022 notice) or a TOML/JSON file described by
//! `schemas/policy.schema.json`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::kinds::ResourceKind;

/// What the video share is measured over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// Number of resources (the literal reading of the notice, and the default).
    Count,
    /// Bytes of resources.
    Bytes,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Count => "count",
            Basis::Bytes => "bytes",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    /// Name of the profile this policy is or derives from.
    pub profile: String,
    /// Version of the policy data, bumped when defaults change.
    pub version: u32,
    /// Minimum video share, in percent; the share must be at least this
    /// (以上 includes the number itself).
    pub threshold_percent: u32,
    pub basis: Basis,
    /// Kinds that are course resources (the denominator).
    pub counted_kinds: Vec<ResourceKind>,
    /// Longest a single probe may run, in seconds.
    pub probe_timeout_s: u64,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            profile: "notice-2022".to_owned(),
            version: 1,
            threshold_percent: 60,
            basis: Basis::Count,
            counted_kinds: ResourceKind::ALL
                .into_iter()
                .filter(|k| k.counted_by_default())
                .collect(),
            probe_timeout_s: 30,
        }
    }
}

impl Policy {
    /// Load a policy file: JSON when it ends in `.json`, TOML otherwise.
    /// Fields left out keep their default values.
    pub fn load(path: &Path) -> Result<Policy> {
        let fail = |reason: String| Error::Policy {
            path: path.to_owned(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let policy: Policy = if is_json {
            serde_json::from_str(&text).map_err(|e| fail(e.to_string()))?
        } else {
            toml::from_str(&text).map_err(|e| fail(e.to_string()))?
        };
        policy.validate().map_err(fail)?;
        Ok(policy)
    }

    fn validate(&self) -> std::result::Result<(), String> {
        if self.threshold_percent > 100 {
            return Err(format!(
                "threshold_percent is {}; it must be between 0 and 100",
                self.threshold_percent
            ));
        }
        if self.probe_timeout_s == 0 {
            return Err("probe_timeout_s must be at least 1".to_owned());
        }
        Ok(())
    }

    pub fn counts(&self, kind: ResourceKind) -> bool {
        self.counted_kinds.contains(&kind)
    }

    /// `part / whole >= threshold`, in integers: exactly the threshold passes.
    pub fn meets_threshold(&self, part: u64, whole: u64) -> bool {
        whole > 0
            && u128::from(part) * 100 >= u128::from(self.threshold_percent) * u128::from(whole)
    }
}

/// `part / whole` as a decimal string with four places, truncated, computed
/// in integers (`"0.6000"`); `"0.0000"` when `whole` is zero.
pub fn ratio_string(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0.0000".to_owned();
    }
    let scaled = u128::from(part) * 10_000 / u128::from(whole);
    format!("{}.{:04}", scaled / 10_000, scaled % 10_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_sixty_percent_passes() {
        let p = Policy::default();
        assert!(p.meets_threshold(3, 5));
        assert!(!p.meets_threshold(2, 4));
        assert!(p.meets_threshold(6, 10));
        assert!(!p.meets_threshold(599_999, 1_000_000));
        assert!(p.meets_threshold(u64::MAX / 10 * 6, u64::MAX / 10));
        assert!(!p.meets_threshold(0, 0));
    }

    #[test]
    fn ratio_strings_are_exact() {
        assert_eq!(ratio_string(3, 5), "0.6000");
        assert_eq!(ratio_string(2, 3), "0.6666");
        assert_eq!(ratio_string(5, 5), "1.0000");
        assert_eq!(ratio_string(0, 0), "0.0000");
    }

    #[test]
    fn default_counts_all_but_subtitle_metadata_junk() {
        let p = Policy::default();
        assert!(p.counts(ResourceKind::Video) && p.counts(ResourceKind::Executable));
        assert!(!p.counts(ResourceKind::Subtitle));
        assert!(!p.counts(ResourceKind::Metadata));
        assert!(!p.counts(ResourceKind::Junk));
    }

    #[test]
    fn policy_files_in_toml_and_json() {
        let dir = tempfile::tempdir().unwrap();
        let toml_path = dir.path().join("p.toml");
        std::fs::write(&toml_path, "threshold_percent = 70\nbasis = \"bytes\"\n").unwrap();
        let p = Policy::load(&toml_path).unwrap();
        assert_eq!((p.threshold_percent, p.basis), (70, Basis::Bytes));
        assert_eq!(p.counted_kinds, Policy::default().counted_kinds);
        let json_path = dir.path().join("p.json");
        std::fs::write(&json_path, r#"{"counted_kinds":["video","document"]}"#).unwrap();
        assert_eq!(Policy::load(&json_path).unwrap().counted_kinds.len(), 2);
        std::fs::write(&json_path, r#"{"threshold":60}"#).unwrap();
        assert!(
            Policy::load(&json_path).is_err(),
            "unknown fields are refused"
        );
        std::fs::write(&json_path, r#"{"threshold_percent":160}"#).unwrap();
        assert!(Policy::load(&json_path).is_err());
    }
}
