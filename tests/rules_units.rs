//! Rules as units: each code defined once, in both languages, with its
//! default severity, and overridable by code in a policy file.

mod common;

use common::*;

/// English prose: three or more ASCII words in a row, once command lines in
/// backticks are set aside (codes, paths, format and tool names are single
/// words or pairs, and stay).
fn english_prose(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let mut outside = String::new();
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 0 {
                outside.push_str(part);
                outside.push(' ');
            }
        }
        let mut run: Vec<&str> = Vec::new();
        for token in outside.split(|c: char| !(c.is_ascii_alphabetic() || c == ' ' || c == '-')) {
            for word in token.split(' ') {
                if word.len() > 1 && word.chars().all(|c| c.is_ascii_alphabetic()) {
                    run.push(word);
                    continue;
                }
                if run.len() >= 3 {
                    found.push(run.join(" "));
                }
                run.clear();
            }
            if run.len() >= 3 {
                found.push(run.join(" "));
            }
            run.clear();
        }
    }
    found
}

#[test]
fn english_prose_is_detected() {
    assert_eq!(
        english_prose("原因: the file is broken"),
        ["the file is broken"]
    );
    assert!(english_prose("转换为 MP4：`ffmpeg -i in.mkv -c copy out.mp4`。").is_empty());
}

#[test]
fn rules_in_chinese_hold_no_english_prose() {
    let out = run(trainpack().args(["rules", "--lang", "zh"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Every rule's block: its rationale and example are shown in Chinese.
    let prose = english_prose(&out.stdout);
    assert!(prose.is_empty(), "English under --lang zh: {prose:#?}");
    assert!(out.stdout.contains("原因: 2022 年通知"), "{}", out.stdout);
    let json = run(trainpack().args(["rules", "TP060", "--json"]));
    let rule: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let rule = rule.get(0).unwrap_or(&rule);
    assert!(
        rule["rationale_zh"]
            .as_str()
            .is_some_and(|s| s.contains("MP4"))
    );
    assert!(
        rule["example_zh"]
            .as_str()
            .is_some_and(|s| s.contains("专家访谈"))
    );
}

/// A 2-second H.264/AAC video of `size` made by ffmpeg, in the container
/// the file name's extension gives (`.mkv`, `.mp4`).
fn make_video(dst: &std::path::Path, size: &str) {
    let status = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("testsrc=size={size}:rate=25:duration=2"))
        .args([
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000:duration=2",
        ])
        .args(["-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac"])
        .args(["-movflags", "+faststart", "-shortest"])
        .arg(dst)
        .status()
        .expect("run ffmpeg");
    assert!(status.success(), "ffmpeg failed to make {}", dst.display());
}

fn policy_file(dir: &std::path::Path, text: &str) -> String {
    let path = dir.join("policy.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn severities(report: &serde_json::Value, code: &str) -> Vec<String> {
    findings(report, code)
        .iter()
        .map(|f| f["severity"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_policy_sets_the_level_of_a_rule_by_code() {
    if !have_tool("ffmpeg") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let package = tmp.path().join("package");
    std::fs::create_dir(&package).unwrap();
    make_video(&package.join("专家访谈.mkv"), "1280x720");

    // Default: a Matroska video is a warning (the rule's default), and the
    // package passes.
    let (code, report) = check_json(&package, &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(severities(&report, "TP060"), ["warning"], "{report:#}");
    assert_eq!(report["policy"]["rules"], serde_json::json!({}));

    let policy = policy_file(tmp.path(), "[rules]\nTP060 = \"error\"\n");
    let (code, report) = check_json(&package, &["--policy", &policy]);
    assert_eq!(severities(&report, "TP060"), ["error"], "{report:#}");
    assert_eq!(code, 1, "an error fails the package");
    assert_eq!(report["policy"]["rules"]["TP060"], "error");
    assert_eq!(report["policy"]["video"]["container_mp4"], "error");

    // `off` drops it; `info` lowers it; other rules keep their defaults.
    for (level, expected) in [("off", vec![]), ("info", vec!["info"])] {
        let policy = policy_file(tmp.path(), &format!("[rules]\nTP060 = \"{level}\"\n"));
        let (code, report) = check_json(&package, &["--policy", &policy]);
        assert_eq!(code, 0, "{report:#}");
        assert_eq!(severities(&report, "TP060"), expected, "{level}");
    }

    // [rules] wins over the older per-video key.
    let policy = policy_file(
        tmp.path(),
        "[video]\ncontainer_mp4 = \"off\"\n[rules]\nTP060 = \"error\"\n",
    );
    let (code, report) = check_json(&package, &["--policy", &policy]);
    assert_eq!(
        (code, severities(&report, "TP060")),
        (1, vec!["error".to_owned()])
    );
}

#[test]
fn a_rule_off_by_default_runs_when_a_policy_names_it() {
    if !have_tool("ffmpeg") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let package = tmp.path().join("package");
    std::fs::create_dir(&package).unwrap();
    make_video(&package.join("第1课.mp4"), "960x720");
    let (_, report) = check_json(&package, &[]);
    assert!(findings(&report, "TP066").is_empty(), "off by default");
    let policy = policy_file(tmp.path(), "[rules]\nTP066 = \"warning\"\n");
    let (code, report) = check_json(&package, &["--policy", &policy]);
    assert_eq!(code, 0);
    assert_eq!(severities(&report, "TP066"), ["warning"], "{report:#}");
}

#[test]
fn a_policy_sets_the_level_of_a_listing_rule_too() {
    let tmp = tempfile::tempdir().unwrap();
    let package = copy_sample("pass", &tmp.path().join("pass"));
    std::fs::write(package.join(".DS_Store"), b"\0\0\0\x01Bud1junk").unwrap();
    let (code, report) = check_json(&package, &[]);
    assert_eq!(
        (code, severities(&report, "TP020")),
        (0, vec!["warning".to_owned()])
    );
    let policy = policy_file(tmp.path(), "[rules]\nTP020 = \"error\"\n");
    let (code, report) = check_json(&package, &["--policy", &policy]);
    assert_eq!(
        (code, severities(&report, "TP020")),
        (1, vec!["error".to_owned()])
    );
    assert_eq!(report["summary"]["errors"], 1, "the summary counts it");
    let policy = policy_file(tmp.path(), "[rules]\nTP020 = \"off\"\n");
    let (code, report) = check_json(&package, &["--policy", &policy]);
    assert_eq!((code, findings(&report, "TP020").len()), (0, 0));
}

#[test]
fn an_unknown_code_or_level_in_rules_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    for (text, needle) in [
        ("[rules]\nTP999 = \"error\"\n", "TP999"),
        ("[rules]\nTP060 = \"fatal\"\n", "TP060 = \"fatal\""),
    ] {
        let policy = policy_file(tmp.path(), text);
        let out = run(trainpack()
            .args(["check", "--policy", &policy])
            .arg(sample("pass")));
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stderr.contains("policy.toml"), "{}", out.stderr);
        assert!(out.stderr.contains(needle), "{}", out.stderr);
    }
}

/// Under the default policy each code is emitted at the severity its
/// definition gives (`trainpack rules --json`): one source.
#[test]
fn default_severities_are_the_definitions() {
    let rules = run(trainpack().args(["rules", "--json"]));
    let rules: serde_json::Value = serde_json::from_str(&rules.stdout).unwrap();
    let documented = |code: &str| {
        rules
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == code)
            .map(|r| {
                (
                    r["severity"].as_str().unwrap().to_owned(),
                    r["on_by_default"] == true,
                )
            })
            .unwrap()
    };
    let mut seen = 0;
    for name in ["pass", "fail", "junk", "exactly-60", "gbk-names.zip"] {
        let (_, report) = check_json(&sample(name), &[]);
        for f in report["findings"].as_array().unwrap() {
            let (severity, on) = documented(f["code"].as_str().unwrap());
            assert!(on, "{f}");
            assert_eq!(f["severity"].as_str().unwrap(), severity, "{f}");
            seen += 1;
        }
    }
    assert!(seen >= 5, "the samples trigger findings ({seen})");
}
