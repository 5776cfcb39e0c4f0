//! The package's totals and video share, per package and per module, and
//! the findings on that share (the policy stage's arithmetic).

use std::collections::BTreeMap;

use super::{Basis, Policy, Ratio};
use crate::report::{ModuleSummary, Resource, Summary};
use crate::rules::{self, Finding, Violation};

/// Totals over the resources, and one summary per top-level folder under
/// `root` (the content root); error, warning and info counts are left 0.
pub fn summarise(files: &[Resource], root: &str, policy: &Policy) -> (Summary, Vec<ModuleSummary>) {
    let mut s = Summary::default();
    let mut modules: BTreeMap<&str, (u64, u64, u64, u64)> = Default::default();
    for f in files {
        s.files += 1;
        s.total_bytes += f.size;
        *s.by_kind.entry(f.kind).or_default() += 1;
        if !f.counted {
            continue;
        }
        s.course_resources += 1;
        s.course_bytes += f.size;
        let module = f
            .path
            .strip_prefix(root)
            .unwrap_or(&f.path)
            .split_once('/')
            .map_or("", |(m, _)| m);
        let m = modules.entry(module).or_default();
        m.0 += 1;
        m.2 += f.size;
        if f.is_video {
            s.videos += 1;
            s.video_bytes += f.size;
            m.1 += 1;
            m.3 += f.size;
        }
    }
    let on_basis = |count: u64, videos: u64, bytes: u64, video_bytes: u64| match policy.basis {
        Basis::Count => (videos, count),
        Basis::Bytes => (video_bytes, bytes),
    };
    let (part, whole) = on_basis(s.course_resources, s.videos, s.course_bytes, s.video_bytes);
    s.video_ratio = Ratio::new(part, whole);
    s.video_bytes_ratio = Ratio::new(s.video_bytes, s.course_bytes);
    s.threshold = Ratio::new(u64::from(policy.threshold_percent), 100);
    s.meets_threshold = s.video_ratio.reaches(policy.threshold_percent);
    let modules = modules
        .into_iter()
        .map(|(name, (count, videos, bytes, video_bytes))| {
            let (part, whole) = on_basis(count, videos, bytes, video_bytes);
            let video_ratio = Ratio::new(part, whole);
            ModuleSummary {
                name: name.to_owned(),
                course_resources: count,
                videos,
                video_ratio,
                meets_threshold: video_ratio.reaches(policy.threshold_percent),
            }
        })
        .collect();
    (s, modules)
}

pub fn ratio_findings(
    summary: &Summary,
    modules: &[ModuleSummary],
    policy: &Policy,
    findings: &mut Vec<Finding>,
) {
    if summary.course_resources == 0 {
        findings.push(rules::NoCourseResources {}.finding(None));
        return;
    }
    if !summary.meets_threshold {
        // Two ways to meet it, each exact: converting k existing resources
        // keeps the total; adding m new videos grows it too (8/18 + 3 new
        // is 11/21, still short, so the two numbers differ).
        let pct = policy.threshold_percent;
        let below = rules::VideoRatioBelow {
            basis: policy.basis,
            ratio: summary.video_ratio,
            videos: summary.videos,
            resources: summary.course_resources,
            video_bytes: summary.video_bytes,
            course_bytes: summary.course_bytes,
            threshold: pct,
            convert: videos_needed(summary.videos, summary.course_resources, pct),
            add: videos_to_add(summary.videos, summary.course_resources, pct),
        };
        findings.push(below.finding(None));
    }
    for m in modules
        .iter()
        .filter(|m| !m.meets_threshold && !m.name.is_empty())
    {
        findings.push(
            rules::ModuleRatioLow {
                videos: m.videos,
                resources: m.course_resources,
                ratio: m.video_ratio,
            }
            .finding(Some(&m.name)),
        );
    }
}

/// How many non-video resources must become videos (the total staying the
/// same) for `videos / total` to reach `pct` percent.
fn videos_needed(videos: u64, total: u64, pct: u32) -> Option<u64> {
    let need = (u128::from(pct) * u128::from(total)).div_ceil(100);
    u64::try_from(need.saturating_sub(u128::from(videos))).ok()
}

/// New videos to add (the total grows with them) so the share reaches
/// `pct`%: the least m with (v + m)·100 ≥ pct·(t + m). None when no number
/// of added videos can do it (a threshold of 100% with non-video resources).
fn videos_to_add(videos: u64, total: u64, pct: u32) -> Option<u64> {
    let short = (u128::from(pct) * u128::from(total)).saturating_sub(100 * u128::from(videos));
    if short == 0 {
        return Some(0);
    }
    let per_video = 100u128.checked_sub(u128::from(pct)).filter(|d| *d > 0)?;
    u64::try_from(short.div_ceil(per_video)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_piece_of_advice_meets_the_threshold_and_is_the_least() {
        let policy = crate::policy::Policy::default();
        for pct in [1u32, 50, 60, 99] {
            let policy = crate::policy::Policy {
                threshold_percent: pct,
                ..policy.clone()
            };
            for total in 1u64..40 {
                for videos in 0..=total {
                    let k = videos_needed(videos, total, pct).unwrap();
                    let m = videos_to_add(videos, total, pct).unwrap();
                    assert!(
                        policy.meets_threshold(videos + k, total),
                        "{videos}/{total} +{k} converted"
                    );
                    assert!(
                        policy.meets_threshold(videos + m, total + m),
                        "{videos}/{total} +{m} added"
                    );
                    if k > 0 {
                        assert!(!policy.meets_threshold(videos + k - 1, total));
                    }
                    if m > 0 {
                        assert!(!policy.meets_threshold(videos + m - 1, total + m - 1));
                    }
                }
            }
        }
        // The case: 8/18 at 60% needs 3 converted, or 7 added (15/25).
        assert_eq!(videos_needed(8, 18, 60), Some(3));
        assert_eq!(videos_to_add(8, 18, 60), Some(7));
        assert_eq!(videos_to_add(1, 2, 100), None);
    }

    #[test]
    fn videos_needed_reaches_the_threshold_exactly() {
        assert_eq!(videos_needed(2, 5, 60), Some(1));
        assert_eq!(videos_needed(3, 5, 60), Some(0));
        assert_eq!(videos_needed(0, 7, 60), Some(5));
    }
}
