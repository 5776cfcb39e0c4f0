//! Flags defined once: `--lang`, `-q/--quiet`, `--color` are global (before
//! or after the command name) and `-j/--jobs` is worker threads everywhere.

mod common;

use common::{run, sample, trainpack};

#[test]
fn global_flags_work_before_and_after_the_command() {
    for args in [
        &["--lang", "zh", "-q", "check"][..],
        &["check", "--lang", "zh", "-q"][..],
    ] {
        let out = run(trainpack().args(args).arg(sample("pass")));
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(
            out.stdout.contains("结论：通过"),
            "{args:?}: {}",
            out.stdout
        );
    }
    // --color is taken by every command, not only check.
    let out = run(trainpack().args(["rules", "TP001", "--color", "never", "--lang", "en"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("TP001"), "{}", out.stdout);
}

#[test]
fn jobs_means_worker_threads_in_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let manifest = tmp.path().join("m.json");
    let pass = sample("pass");
    let out = run(trainpack()
        .args(["manifest", "-j", "1", "-q", "-o"])
        .arg(&manifest)
        .arg(&pass));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run(trainpack()
        .args(["verify", "-j", "1", "-m"])
        .arg(&manifest)
        .arg(&pass));
    assert_eq!(out.code, 0, "{}", out.stderr);

    let inbox = tmp.path().join("inbox");
    common::copy_sample("pass", &inbox.join("pass"));
    common::copy_sample("fail", &inbox.join("fail"));
    let out = run(trainpack()
        .args(["batch", "-j", "3", "--packages", "2", "--lang", "en", "-o"])
        .arg(tmp.path().join("reports"))
        .arg(&inbox));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!out.stderr.contains("deprecated"), "{}", out.stderr);

    // The old spelling of threads per package still works, with a note.
    let out = run(trainpack()
        .args(["batch", "--threads", "1", "--lang", "en", "-o"])
        .arg(tmp.path().join("reports2"))
        .arg(&inbox));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("--threads is deprecated"),
        "{}",
        out.stderr
    );
}
