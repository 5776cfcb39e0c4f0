//! The JSON schemas in `schemas/` against what the program really does: every
//! sample's `--json` report validates against `report.schema.json`, and the
//! policy loader accepts exactly the documents `policy.schema.json` accepts.

use std::path::Path;
use std::process::Output;

mod common;

use assert_cmd::Command;
use serde_json::{Value, json};

const SAMPLES: &[&str] = &["pass", "fail", "exactly-60", "junk", "gbk-names.zip"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn schema(name: &str) -> Value {
    load_json(&root().join("schemas").join(name))
}

fn validator(name: &str) -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema(name))
        .unwrap_or_else(|e| panic!("schemas/{name} does not compile: {e}"))
}

/// Every validation error as `instance path: message`; empty when valid.
fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn trainpack() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_trainpack"));
    cmd.current_dir(root()).env("LC_ALL", "C").env("LANG", "C");
    cmd
}

fn run(args: &[&str]) -> Output {
    trainpack().args(args).output().expect("trainpack runs")
}

fn sample(name: &str) -> String {
    root().join("samples").join(name).display().to_string()
}

/// `trainpack check SAMPLE --json`, its exit code and its parsed report.
fn report_of(name: &str, extra: &[&str]) -> (i32, Value) {
    let path = sample(name);
    let mut args = vec!["check", path.as_str(), "--json", "--quiet"];
    args.extend_from_slice(extra);
    let out = run(&args);
    let code = out.status.code().expect("exit code");
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{name}: stdout is not JSON ({e}); exit {code}; stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, report)
}

fn assert_valid_report(validator: &jsonschema::Validator, name: &str, code: i32, report: &Value) {
    let errs = errors(validator, report);
    assert!(
        errs.is_empty(),
        "report for {name} does not match schemas/report.schema.json:\n  {}",
        errs.join("\n  ")
    );
    // What the schema cannot say: the exit code and totals agree with the body.
    let verdict = report["verdict"].as_str().unwrap();
    assert_eq!(
        code,
        if verdict == "pass" { 0 } else { 1 },
        "{name}: exit code disagrees with verdict {verdict}"
    );
    let summary = &report["summary"];
    let files = report["files"].as_array().unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(
        summary["files"],
        json!(files.len()),
        "{name}: summary.files"
    );
    for (field, severity) in [
        ("errors", "error"),
        ("warnings", "warning"),
        ("infos", "info"),
    ] {
        let n = findings
            .iter()
            .filter(|f| f["severity"] == severity)
            .count();
        assert_eq!(summary[field], json!(n), "{name}: summary.{field}");
    }
    let counted = files.iter().filter(|f| f["counted"] == true).count();
    let videos = files.iter().filter(|f| f["is_video"] == true).count();
    assert_eq!(
        summary["course_resources"],
        json!(counted),
        "{name}: course_resources"
    );
    assert_eq!(summary["videos"], json!(videos), "{name}: videos");
}

/// Every schema in `schemas/` (new ones included without touching this
/// test): draft 2020-12, our `$id`, closed, valid against the meta-schema,
/// compiling, and every property documented.
#[test]
fn schemas_are_valid_json_schema() {
    let mut names: Vec<String> = std::fs::read_dir(root().join("schemas"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".schema.json"))
        .collect();
    names.sort();
    assert!(names.len() >= 6, "{names:?}");
    for name in &names {
        let s = schema(name);
        assert_eq!(
            s["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}: draft 2020-12"
        );
        assert_eq!(
            s["$id"],
            json!(format!("https://trainpack.invalid/schemas/{name}")),
            "{name}: $id"
        );
        assert_eq!(s["additionalProperties"], false, "{name}: closed");
        if let Err(e) = jsonschema::meta::validate(&s) {
            panic!("schemas/{name} is not a valid JSON Schema: {e}");
        }
        validator(name);
        let missing = common::undocumented(&s);
        assert!(
            missing.is_empty(),
            "schemas/{name}: properties without a title and description:\n  {}",
            missing.join("\n  ")
        );
    }
}

/// The report and the manifest embed the descriptor's shape in `$defs`;
/// both copies must stay equal to `descriptor.schema.json`.
#[test]
fn embedded_descriptor_schemas_have_not_drifted() {
    let descriptor = schema("descriptor.schema.json");
    for name in ["report.schema.json", "manifest.schema.json"] {
        let embedded = &schema(name)["$defs"]["descriptor"];
        for key in ["properties", "type", "additionalProperties"] {
            assert_eq!(
                embedded[key], descriptor[key],
                "{name} $defs/descriptor/{key} has drifted from descriptor.schema.json"
            );
        }
    }
}

#[test]
fn every_sample_report_matches_the_schema() {
    let validator = validator("report.schema.json");
    for name in SAMPLES {
        let (code, report) = report_of(name, &[]);
        assert_valid_report(&validator, name, code, &report);
    }
}

#[test]
fn reports_without_ffprobe_match_the_schema() {
    // No ffprobe on PATH and `--probe ffprobe`: videos are `unconfirmed`,
    // with every probe field null.
    let validator = validator("report.schema.json");
    let empty = tempfile::tempdir().unwrap();
    for name in ["junk", "gbk-names.zip"] {
        let path = sample(name);
        let out = trainpack()
            .env("PATH", empty.path())
            .env_remove("TRAINPACK_FFPROBE")
            .args([
                "check",
                path.as_str(),
                "--json",
                "--quiet",
                "--probe",
                "ffprobe",
            ])
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let statuses: Vec<&Value> = report["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f.get("video"))
            .map(|v| &v["status"])
            .collect();
        assert!(!statuses.is_empty() && statuses.iter().all(|s| *s == "unconfirmed"));
        assert_valid_report(&validator, name, out.status.code().unwrap(), &report);
    }
}

#[test]
fn reports_under_other_policies_match_the_schema() {
    let validator = validator("report.schema.json");
    let (code, report) = report_of("junk", &["--basis", "bytes", "--threshold", "100"]);
    assert_eq!(report["summary"]["threshold"], "1.0000");
    assert_valid_report(
        &validator,
        "junk --basis bytes --threshold 100",
        code,
        &report,
    );
    let (code, report) = report_of("pass", &["--threshold", "0", "--lang", "zh"]);
    assert_valid_report(&validator, "pass --threshold 0", code, &report);
}

/// A change that makes a good report invalid.
type Mutation = Box<dyn Fn(&mut Value)>;

#[test]
fn the_report_schema_rejects_bad_reports() {
    let validator = validator("report.schema.json");
    let (_, good) = report_of("junk", &[]);
    assert!(errors(&validator, &good).is_empty());

    let mutations: Vec<(&str, Mutation)> = vec![
        ("verdict maybe", Box::new(|r| r["verdict"] = json!("maybe"))),
        (
            "summary.videos missing",
            Box::new(|r| {
                r["summary"].as_object_mut().unwrap().remove("videos");
            }),
        ),
        (
            "verdict pass with errors",
            Box::new(|r| r["verdict"] = json!("pass")),
        ),
        (
            "ratio as a number",
            Box::new(|r| r["summary"]["video_ratio"] = json!(0.5)),
        ),
        (
            "ratio with three decimals",
            Box::new(|r| r["summary"]["video_ratio"] = json!("0.500")),
        ),
        (
            "uppercase sha256",
            Box::new(|r| {
                let s = r["files"][0]["sha256"].as_str().unwrap().to_uppercase();
                r["files"][0]["sha256"] = json!(s);
            }),
        ),
        (
            "unknown kind",
            Box::new(|r| r["files"][0]["kind"] = json!("movie")),
        ),
        (
            "file without counted",
            Box::new(|r| {
                r["files"][0].as_object_mut().unwrap().remove("counted");
            }),
        ),
        (
            "bad finding code",
            Box::new(|r| r["findings"][0]["code"] = json!("TP1")),
        ),
        (
            "bad severity",
            Box::new(|r| r["findings"][0]["severity"] = json!("fatal")),
        ),
        (
            "finding without path",
            Box::new(|r| {
                r["findings"][0].as_object_mut().unwrap().remove("path");
            }),
        ),
        (
            "bad video status",
            Box::new(|r| {
                let file = r["files"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .find(|f| f.get("video").is_some())
                    .unwrap();
                file["video"]["status"] = json!("ok");
            }),
        ),
        (
            "unknown top-level field",
            Box::new(|r| r["extra"] = json!(true)),
        ),
        (
            "bad source",
            Box::new(|r| r["package"]["source"] = json!("tar")),
        ),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(
            !validator.is_valid(&bad),
            "the report schema accepts a report with {what}"
        );
    }
    // A finding about the whole package has a null path, which is fine.
    let mut whole = good.clone();
    whole["findings"][0]["path"] = Value::Null;
    assert!(errors(&validator, &whole).is_empty());
}

/// A policy document, whether the schema accepts it, and whether the loader should.
struct PolicyCase {
    what: &'static str,
    doc: Value,
    valid: bool,
}

fn policy_cases() -> Vec<PolicyCase> {
    let case = |what, doc, valid| PolicyCase { what, doc, valid };
    let mut cases = vec![
        case("empty (all defaults)", json!({}), true),
        case(
            "threshold 70 by bytes",
            json!({"threshold_percent": 70, "basis": "bytes"}),
            true,
        ),
        case("threshold 0", json!({"threshold_percent": 0}), true),
        case("threshold 100", json!({"threshold_percent": 100}), true),
        case(
            "only some kinds counted",
            json!({"counted_kinds": ["video", "document"], "probe_timeout_s": 5}),
            true,
        ),
        case("threshold 150", json!({"threshold_percent": 150}), false),
        case("threshold -1", json!({"threshold_percent": -1}), false),
        case("unknown field", json!({"threshold": 60}), false),
        case(
            "bad kind",
            json!({"counted_kinds": ["video", "vidoe"]}),
            false,
        ),
        case("bad basis", json!({"basis": "minutes"}), false),
        case("probe timeout 0", json!({"probe_timeout_s": 0}), false),
        case(
            "threshold as a string",
            json!({"threshold_percent": "60"}),
            false,
        ),
        case("not an object", json!([60]), false),
    ];
    // The schema's own examples are valid policies too.
    for example in schema("policy.schema.json")["examples"]
        .as_array()
        .expect("policy.schema.json has examples")
    {
        cases.push(case("schema example", example.clone(), true));
    }
    cases
}

#[test]
fn the_policy_schema_and_the_loader_agree() {
    let policy_schema = validator("policy.schema.json");
    let report_schema = validator("report.schema.json");
    let dir = tempfile::tempdir().unwrap();
    let pass = sample("pass");
    for (i, case) in policy_cases().into_iter().enumerate() {
        let errs = errors(&policy_schema, &case.doc);
        assert_eq!(
            errs.is_empty(),
            case.valid,
            "policy schema on {} ({}): errors {errs:?}",
            case.what,
            case.doc
        );

        let file = dir.path().join(format!("policy-{i}.json"));
        std::fs::write(&file, serde_json::to_string_pretty(&case.doc).unwrap()).unwrap();
        let file_arg = file.display().to_string();
        let out = run(&["check", &pass, "--json", "--quiet", "--policy", &file_arg]);
        let code = out.status.code().expect("exit code");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if case.valid {
            assert!(
                code == 0 || code == 1,
                "loader refused valid policy {} ({}): exit {code}\n{stderr}",
                case.what,
                case.doc
            );
            let report: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_valid_report(&report_schema, case.what, code, &report);
            if let Some(t) = case.doc.get("threshold_percent") {
                assert_eq!(&report["policy"]["threshold_percent"], t, "{}", case.what);
            }
        } else {
            assert_eq!(
                code, 2,
                "loader accepted invalid policy {} ({}); stderr:\n{stderr}",
                case.what, case.doc
            );
            assert!(
                stderr.contains(&file_arg),
                "the error for {} does not name the file {file_arg}:\n{stderr}",
                case.what
            );
            assert!(
                out.stdout.is_empty(),
                "no report on a policy error ({})",
                case.what
            );
        }
    }
}

#[test]
fn the_policy_schema_defaults_are_the_built_in_policy() {
    // The report's `policy` with no --policy is the built-in default; the
    // schema's `default`s must say the same.
    let (_, report) = report_of("pass", &[]);
    let schema = schema("policy.schema.json");
    let props = schema["properties"].as_object().unwrap();
    let reported = report["policy"].as_object().unwrap();
    for (field, value) in reported {
        assert_eq!(
            &props[field]["default"], value,
            "policy.schema.json default for {field}"
        );
    }
    let timeout = &props["probe_timeout_s"]["default"];
    assert_eq!(timeout, &json!(30), "probe_timeout_s default");
    let mut fields: Vec<&String> = props.keys().collect();
    fields.sort();
    let mut expected: Vec<String> = reported.keys().cloned().collect();
    expected.push("probe_timeout_s".to_owned());
    expected.sort();
    assert_eq!(fields, expected.iter().collect::<Vec<_>>(), "policy fields");
}

/// `schemas/*.json` are generated from the Rust types (`trainpack::schema`):
/// fail when a committed schema differs from what the types say.
/// `TRAINPACK_BLESS=1 cargo test --test schemas schemas_are_generated`
/// rewrites them.
#[test]
fn schemas_are_generated() {
    let bless = std::env::var_os("TRAINPACK_BLESS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (name, text) in trainpack::schema::generated() {
        let path = root().join("schemas").join(name);
        // A checkout with CRLF line ends (git autocrlf) holds the same schema.
        let committed = std::fs::read_to_string(&path)
            .unwrap_or_default()
            .replace("\r\n", "\n");
        if committed == text {
            continue;
        }
        if bless {
            std::fs::write(&path, &text).unwrap();
        } else {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "schemas differ from the types: {stale:?}; run \
         `TRAINPACK_BLESS=1 cargo test --test schemas schemas_are_generated` and review the diff"
    );
}
