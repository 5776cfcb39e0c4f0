//! Defects found in review, each pinned by the case that showed it.

mod common;

use std::fs;

use common::*;

/// Unknown bytes under a video name are not a video, even when no probe
/// can run: before, they counted as "unconfirmed" videos and could pass.
#[test]
fn random_bytes_named_mp4_are_not_videos_without_ffprobe() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("r");
    fs::create_dir(&pkg).unwrap();
    let noise: Vec<u8> = (0..5000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    fs::write(pkg.join("a.mp4"), &noise).unwrap();
    fs::write(pkg.join("b.avi"), &noise).unwrap();
    fs::write(pkg.join("c.txt"), b"notes\n").unwrap();
    let empty = tempfile::tempdir().unwrap();
    let (code, report) = check_json_with(trainpack().env("PATH", empty.path()), &pkg, &[]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["summary"]["videos"], 0);
    for name in ["a.mp4", "b.avi"] {
        assert_eq!(file(&report, name).unwrap()["is_video"], false, "{name}");
        assert_eq!(findings_at(&report, "TP011", name).len(), 1, "{name}");
        assert!(findings_at(&report, "TP010", name).is_empty(), "{name}");
    }
}

/// `pack pkg.zip -o .` would have replaced the package with its bag.
#[test]
fn pack_refuses_to_write_over_its_input_or_inside_it() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("gbk-names.zip");
    fs::copy(sample("gbk-names.zip"), &zip).unwrap();
    let before = sha256_file(&zip);
    let r = run(trainpack()
        .current_dir(dir.path())
        .args(["pack", "gbk-names.zip", "-o", "."]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("over the package"), "{}", r.stderr);
    assert_eq!(sha256_file(&zip), before, "the input is untouched");

    let pkg = copy_sample("exactly-60", &dir.path().join("p"));
    let r = run(trainpack()
        .args(["pack"])
        .arg(&pkg)
        .arg("-o")
        .arg(pkg.join("out")));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!pkg.join("out").exists());
    let r = run(trainpack().current_dir(&pkg).args(["manifest", "."]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("inside the package"), "{}", r.stderr);
    let (code, _) = check_json(&pkg, &[]);
    assert_eq!(code, 0, "the package was not polluted by its own manifest");
}

/// One flipped byte in a zip entry fails its CRC: that is a change to
/// report (exit 1), not a reason to give up (exit 2).
#[test]
fn verify_reports_a_zip_entry_that_no_longer_reads() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("p.zip");
    zip_dir(&sample("pass"), &zip, zip::CompressionMethod::Stored);
    let manifest = dir.path().join("m.json");
    let r = run(trainpack()
        .arg("manifest")
        .arg(&zip)
        .arg("-o")
        .arg(&manifest)
        .arg("-q"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut bytes = fs::read(&zip).unwrap();
    let at = bytes.windows(4).position(|w| w == b"mdat").unwrap() + 200;
    bytes[at] ^= 0xff;
    fs::write(&zip, &bytes).unwrap();
    let r = run(trainpack()
        .arg("verify")
        .arg(&zip)
        .arg("--manifest")
        .arg(&manifest)
        .arg("--json"));
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let changes = out["changes"].as_array().unwrap();
    // The zip's own digest differs, and the entry is named as unreadable.
    let kinds: Vec<&str> = changes
        .iter()
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 2, "{changes:?}");
    assert!(kinds.contains(&"archive"), "{changes:?}");
    assert!(kinds.contains(&"unreadable"), "{changes:?}");
}

/// `--profile` with `--policy`: the profile reported is the one applied.
#[test]
fn the_reported_profile_is_the_one_applied() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.toml");
    fs::write(
        &policy,
        "profile = \"notice-2022\"\nthreshold_percent = 60\n",
    )
    .unwrap();
    let (_, report) = check_json(
        &sample("pass"),
        &[
            "--policy",
            policy.to_str().unwrap(),
            "--profile",
            "smartedu-2025",
        ],
    );
    assert_eq!(report["policy"]["profile"], "smartedu-2025");
    assert_eq!(
        report["verdict"], "fail",
        "smartedu-2025 makes 160×90 an error"
    );
}

/// A zip made of the folder itself (`zip -r pkg.zip pkg/`) holds everything
/// under `pkg/`: same verdict, same modules and the same descriptor as the
/// folder. Before, the descriptor counted as a course resource and the
/// module breakdown collapsed to `pkg`.
#[test]
fn a_zip_of_the_folder_itself_gives_the_folders_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = copy_sample("exactly-60", &dir.path().join("pkg"));
    fs::write(
        pkg.join("training-package.json"),
        r#"{"id":"w1","provider":"某职业技术学院","end_date":"2099-06-30"}"#,
    )
    .unwrap();
    let wrapped = dir.path().join("wrapped.zip");
    let status = std::process::Command::new("zip")
        .current_dir(dir.path())
        .args(["-q", "-r", "wrapped.zip", "pkg"])
        .status();
    if !status.is_ok_and(|s| s.success()) {
        // No Info-ZIP: build the same layout with the zip crate.
        let mut zip = zip::ZipWriter::new(fs::File::create(&wrapped).unwrap());
        for (rel, path) in list_files(&pkg) {
            zip.start_file(
                format!("pkg/{rel}"),
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            std::io::Write::write_all(&mut zip, &fs::read(path).unwrap()).unwrap();
        }
        zip.finish().unwrap();
    }
    let (folder_code, folder) = check_json(&pkg, &[]);
    let (zip_code, zipped) = check_json(&wrapped, &[]);
    assert_eq!(folder_code, 0, "{folder:#}");
    assert_eq!(zip_code, folder_code, "{zipped:#}");
    for key in ["course_resources", "videos", "video_ratio"] {
        assert_eq!(zipped["summary"][key], folder["summary"][key], "{key}");
    }
    assert_eq!(zipped["modules"], folder["modules"]);
    assert_eq!(zipped["package"]["id"], "w1");
    assert_eq!(
        zipped["package"]["descriptor"],
        folder["package"]["descriptor"]
    );
}
