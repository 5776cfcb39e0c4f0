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
