//! No English under `--lang zh`: every command and renderer, run in Chinese
//! on real inputs (passing and failing packages, a broken zip, a bag made
//! by `pack` and then tampered with, a missing path, a bad policy file, a
//! batch inbox and its merge), must print no English prose. Codes, paths,
//! URLs, numbers, quoted values, flags, commands in backticks and the
//! technical words of [`ALLOWED`] are set aside; any two ASCII words left
//! side by side are a failure, printed with their line.

mod common;

use std::fs;
use std::path::Path;
use std::sync::LazyLock;

use common::*;
use regex::Regex;

/// Technical words a Chinese message may hold as they are: format, tool
/// and standard names, units.
const ALLOWED: &[&str] = &[
    "trainpack",
    "MP4",
    "MOV",
    "MKV",
    "WebM",
    "AVI",
    "FLV",
    "H",
    "AAC",
    "SHA",
    "sha256",
    "md5",
    "sha1",
    "sha512",
    "BagIt",
    "Payload-Oxum",
    "JSON",
    "CSV",
    "HTML",
    "TOML",
    "XLSX",
    "zip",
    "Zip",
    "RAR",
    "WinRAR",
    "7z",
    "PDF",
    "ffprobe",
    "ffmpeg",
    "UTF",
    "GBK",
    "BOM",
    "ID",
    "KiB",
    "MiB",
    "GiB",
    "kbit",
    "fps",
    "ETA",
    "SQLite",
    // Product names.
    "Windows",
    "PowerShell",
    "macOS",
    "Linux",
];

static STRIP: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"https?://\S+",
        r"`[^`]*`",
        r#""[^"]*""#,
        r"“[^”]*”",
        // Paths and file names.
        r"\S*[/\\]\S*",
        r"[\w.-]*\.[A-Za-z0-9]{1,5}\b",
        // Flags (--lang, -j) and hyphenated names (video-ratio-below-threshold).
        r"--?[A-Za-z][\w-]*",
        r"\b[A-Za-z]+(?:-[A-Za-z0-9]+)+\b",
        r"\bTP\d{3}\b",
        // Anything holding a digit: numbers, digests, H.264, 160×90.
        r"\S*\d\S*",
    ]
    .iter()
    .map(|p| Regex::new(p).unwrap())
    .collect()
});

static ALLOWED_WORDS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)\b(?:{})\b", ALLOWED.join("|"))).unwrap());

static PROSE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z]{2,}[ \t]+[A-Za-z]{2,}").unwrap());

/// The lines of `text` that still hold English prose once the technical
/// parts are set aside.
fn english_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let mut rest = line.to_owned();
            for re in STRIP.iter() {
                rest = re.replace_all(&rest, " ").into_owned();
            }
            rest = ALLOWED_WORDS.replace_all(&rest, " ").into_owned();
            PROSE
                .find(&rest)
                .map(|m| format!("{line}    <- {:?}", m.as_str()))
        })
        .collect()
}

/// Visible text of an HTML page: no style, script or tags.
fn html_text(html: &str) -> String {
    static BLOCKS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?s)<(style|script)\b.*?</(style|script)>").unwrap());
    static TAGS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<[^>]*>").unwrap());
    let text = BLOCKS.replace_all(html, "\n");
    TAGS.replace_all(&text, "\n")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// Everything English found, by where it was found.
#[derive(Default)]
struct Leaks(Vec<String>);

impl Leaks {
    fn text(&mut self, what: &str, text: &str) {
        for line in english_lines(text) {
            self.0.push(format!("{what}: {line}"));
        }
    }

    /// A run's stdout and stderr; `expect` is the exit code it must have.
    fn run(&mut self, what: &str, out: &Run, expect: i32) {
        assert_eq!(
            out.code, expect,
            "{what}: exit {}\nstdout:\n{}\nstderr:\n{}",
            out.code, out.stdout, out.stderr
        );
        assert!(
            !out.stdout.is_empty() || !out.stderr.is_empty(),
            "{what}: printed nothing"
        );
        self.text(&format!("{what} (stdout)"), &out.stdout);
        self.text(&format!("{what} (stderr)"), &out.stderr);
    }

    fn html(&mut self, what: &str, page: &Path) {
        let html = fs::read_to_string(page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
        self.text(what, &html_text(&html));
        // Table cells one by one: a lone English word (`confirmed`,
        // `pass`) in a status column counts as English too.
        static CELL: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"(?s)<td\b[^>]*>(.*?)</td>").unwrap());
        for cell in CELL.captures_iter(&html) {
            self.lone_word(what, html_text(&cell[1]).trim());
        }
    }

    /// A table or CSV cell (a value, not prose): any English word left,
    /// technical parts aside, is one too many.
    fn lone_word(&mut self, what: &str, cell: &str) {
        let mut rest = cell.to_owned();
        for re in STRIP.iter() {
            rest = re.replace_all(&rest, " ").into_owned();
        }
        rest = ALLOWED_WORDS.replace_all(&rest, " ").into_owned();
        static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b[A-Za-z_]{2,}\b").unwrap());
        if let Some(word) = WORD.find(&rest) {
            self.0
                .push(format!("{what}: cell {cell:?}    <- {:?}", word.as_str()));
        }
    }

    /// The header row and every value of a CSV summary.
    fn csv(&mut self, what: &str, file: &Path) {
        let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        // Two words joined by a comma are two cells: each is checked alone,
        // and a lone English word (`pass`, `verdict`) counts as prose too.
        for (n, line) in text.lines().enumerate() {
            for cell in line.trim_start_matches('\u{feff}').split(',') {
                let cell = cell.trim_matches('"');
                self.text(&format!("{what} line {}", n + 1), cell);
                self.lone_word(&format!("{what} line {}", n + 1), cell);
            }
        }
    }

    fn assert_none(self) {
        assert!(
            self.0.is_empty(),
            "English under --lang zh ({}):\n  {}",
            self.0.len(),
            self.0.join("\n  ")
        );
    }
}

/// `trainpack ARGS --lang zh`, run in `dir` on a fixed day (before the
/// upload deadline of the descriptors written here).
fn zh(dir: &Path, args: &[&str]) -> Run {
    run(trainpack()
        .current_dir(dir)
        .env("TRAINPACK_TODAY", "2024-05-10")
        .args(args)
        .args(["--lang", "zh"]))
}

#[test]
fn the_detector_finds_english_and_spares_technical_words() {
    assert!(english_lines("trainpack: /x: no such file or folder").len() == 1);
    assert!(
        english_lines("警告 [TP065] 模块1/第1课.mp4：分辨率 160×90；要求 H.264 与 AAC").is_empty()
    );
    assert!(english_lines("有效的 BagIt 包：12 个载荷文件，42602 字节（sha256）").is_empty());
    assert!(english_lines("运行 `trainpack init 包路径` 并填写 --lang zh").is_empty());
    let mut cells = Leaks::default();
    cells.lone_word("cell", "confirmed 160×90 h264 1.0 s");
    cells.lone_word("cell", "pass");
    cells.lone_word("cell", "已确认 160×90 h264 1.0 s");
    cells.lone_word("cell", "BagIt 包 sha256");
    assert_eq!(cells.0.len(), 2, "{:?}", cells.0);
    assert!(
        !english_lines("策略文件 bad.toml：invalid type: string \"x\", expected u32").is_empty()
    );
}

#[test]
fn check_and_its_errors_speak_chinese() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut leaks = Leaks::default();
    let pass = sample("pass");
    let pass = pass.to_str().unwrap();
    let fail = sample("fail");
    let fail = fail.to_str().unwrap();

    leaks.run(
        "check pass",
        &zh(dir, &["check", pass, "--html", "pass.html"]),
        0,
    );
    leaks.html("check pass --html", &dir.join("pass.html"));
    leaks.run(
        "check fail",
        &zh(dir, &["check", fail, "--html", "fail.html"]),
        1,
    );
    leaks.html("check fail --html", &dir.join("fail.html"));

    // Could not do the job: exit 2, the reason in Chinese.
    leaks.run("missing path", &zh(dir, &["check", "nowhere/包"]), 2);
    fs::write(dir.join("cut.zip"), b"PK\x03\x04 cut short").unwrap();
    leaks.run("truncated zip", &zh(dir, &["check", "cut.zip"]), 2);
    fs::write(dir.join("notes.zip"), "plain text, not an archive at all\n").unwrap();
    leaks.run("text file named .zip", &zh(dir, &["check", "notes.zip"]), 2);
    fs::write(dir.join("bad-type.toml"), "threshold_percent = \"sixty\"\n").unwrap();
    leaks.run(
        "policy of the wrong type",
        &zh(dir, &["check", pass, "--policy", "bad-type.toml"]),
        2,
    );
    fs::write(dir.join("bad-syntax.toml"), "threshold_percent = = 60\n").unwrap();
    leaks.run(
        "policy that is not TOML",
        &zh(dir, &["check", pass, "--policy", "bad-syntax.toml"]),
        2,
    );
    leaks.run(
        "policy file missing",
        &zh(dir, &["check", pass, "--policy", "none.toml"]),
        2,
    );
    leaks.run(
        "unknown profile",
        &zh(dir, &["check", pass, "--profile", "nope"]),
        2,
    );
    leaks.run(
        "--html inside the package",
        &zh(dir, &["check", pass, "--html", &format!("{pass}/r.html")]),
        2,
    );
    leaks.run(
        "--deep without ffmpeg",
        &run(trainpack()
            .current_dir(dir)
            .env("TRAINPACK_FFMPEG", dir.join("no-ffmpeg"))
            .args(["check", pass, "--deep", "--lang", "zh"])),
        2,
    );

    leaks.assert_none();
}

/// The detail of a broken descriptor (TP042): `Descriptor::parse` says it
/// in both languages, and the finding carries both.
#[test]
fn descriptor_details_speak_chinese() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut leaks = Leaks::default();
    // A descriptor that is not JSON: the parse detail too.
    let broken = copy_sample("pass", &dir.join("broken-descriptor"));
    fs::write(broken.join("training-package.json"), "{bad").unwrap();
    leaks.run(
        "descriptor that is not JSON",
        &zh(dir, &["check", "broken-descriptor"]),
        1,
    );
    fs::write(
        broken.join("training-package.json"),
        r#"{"id": 7, "start_date": "next week"}"#,
    )
    .unwrap();
    leaks.run(
        "descriptor of the wrong types",
        &zh(dir, &["check", "broken-descriptor"]),
        1,
    );
    leaks.assert_none();
}

#[test]
fn manifest_verify_pack_and_bags_speak_chinese() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut leaks = Leaks::default();
    let pkg = copy_sample("pass", &dir.join("pkg"));

    leaks.run(
        "manifest",
        &zh(dir, &["manifest", "pkg", "-o", "m.json"]),
        0,
    );
    leaks.run(
        "verify unchanged",
        &zh(dir, &["verify", "pkg", "-m", "m.json"]),
        0,
    );
    leaks.run(
        "verify --fast unchanged",
        &zh(dir, &["verify", "pkg", "-m", "m.json", "--fast"]),
        0,
    );
    leaks.run(
        "verify no manifest",
        &zh(dir, &["verify", "pkg", "-m", "none.json"]),
        2,
    );
    fs::write(dir.join("not-a-manifest.json"), "{}").unwrap();
    leaks.run(
        "verify bad manifest",
        &zh(dir, &["verify", "pkg", "-m", "not-a-manifest.json"]),
        2,
    );
    leaks.run(
        "verify a folder that is no bag",
        &zh(dir, &["verify", "pkg"]),
        2,
    );

    // Pack it, then check the bag, with its ticket.
    leaks.run("pack", &zh(dir, &["pack", "pkg", "-o", "out"]), 0);
    leaks.run(
        "verify bag zip with ticket",
        &zh(
            dir,
            &["verify", "out/pkg.zip", "--ticket", "out/pkg.upload.json"],
        ),
        0,
    );
    fs::copy(dir.join("out/pkg.zip"), dir.join("other.zip")).unwrap();
    {
        let mut bytes = fs::read(dir.join("other.zip")).unwrap();
        bytes.extend_from_slice(b"tail");
        fs::write(dir.join("other.zip"), bytes).unwrap();
    }
    leaks.run(
        "verify bag zip against a ticket it does not match",
        &zh(
            dir,
            &["verify", "other.zip", "--ticket", "out/pkg.upload.json"],
        ),
        1,
    );

    fs::write(dir.join("not-a-ticket.json"), "[1, 2]").unwrap();
    leaks.run(
        "verify with a ticket that is not one",
        &zh(
            dir,
            &["verify", "out/pkg.zip", "--ticket", "not-a-ticket.json"],
        ),
        2,
    );

    // The package changes: every kind of change, listed in Chinese.
    let (first_video, first_doc) = {
        let files = list_files(&pkg);
        let video = files
            .iter()
            .find(|(r, _)| r.ends_with(".mp4"))
            .unwrap()
            .1
            .clone();
        let doc = files
            .iter()
            .find(|(r, _)| r.ends_with(".pdf"))
            .unwrap()
            .1
            .clone();
        (video, doc)
    };
    fs::remove_file(&first_video).unwrap();
    let mut pdf = fs::read(&first_doc).unwrap();
    pdf.extend_from_slice(b"%changed");
    fs::write(&first_doc, pdf).unwrap();
    fs::write(pkg.join("新增.txt"), "extra").unwrap();
    leaks.run(
        "verify changed",
        &zh(dir, &["verify", "pkg", "-m", "m.json"]),
        1,
    );

    // A bag made by pack, unpacked and tampered with: a changed payload
    // file, a missing one, an unlisted one, a wrong Payload-Oxum.
    unzip(&dir.join("out/pkg.zip"), &dir.join("bag"));
    let root = dir.join("bag/pkg");
    let payload = list_files(&root.join("data"));
    let mut changed = fs::read(&payload[0].1).unwrap();
    changed.push(b'!');
    fs::write(&payload[0].1, changed).unwrap();
    fs::remove_file(&payload[1].1).unwrap();
    fs::write(root.join("data/unlisted.txt"), "?").unwrap();
    leaks.run("verify tampered bag", &zh(dir, &["verify", "bag"]), 1);
    leaks.run(
        "verify tampered bag --fast",
        &zh(dir, &["verify", "bag", "--fast"]),
        1,
    );
    let manifest = root.join("manifest-sha256.txt");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        format!("{text}not-a-line\nabc ../../escape.txt\n"),
    )
    .unwrap();
    fs::write(root.join("bagit.txt"), "BagIt-Version: 9.9\n").unwrap();
    fs::write(
        root.join("fetch.txt"),
        "http://example.com/x 5 data/fetched.txt\nnonsense\n",
    )
    .unwrap();
    leaks.run("verify broken bag", &zh(dir, &["verify", "bag"]), 1);

    // A failing package is refused.
    let fail = sample("fail");
    leaks.run(
        "pack refused",
        &zh(dir, &["pack", fail.to_str().unwrap(), "-o", "refused"]),
        1,
    );
    leaks.assert_none();
}

#[test]
fn init_and_audit_speak_chinese() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut leaks = Leaks::default();
    copy_sample("pass", &dir.join("pkg"));
    copy_sample("fail", &dir.join("bad"));

    leaks.run("init", &zh(dir, &["init", "pkg"]), 0);
    leaks.run("init again", &zh(dir, &["init", "pkg"]), 2);
    leaks.run("init nowhere", &zh(dir, &["init", "nowhere"]), 2);
    // Fill in the skeleton's placeholder dates so the descriptor is valid.
    let descriptor = dir.join("pkg/training-package.json");
    let text = fs::read_to_string(&descriptor)
        .unwrap()
        .replace("YYYY-MM-DD", "2024-05-01");
    fs::write(&descriptor, text).unwrap();
    leaks.run(
        "audit",
        &zh(
            dir,
            &[
                "audit",
                "pkg",
                "--reviewer",
                "张三",
                "--role",
                "项目负责人",
                "--result",
                "approved",
            ],
        ),
        0,
    );
    leaks.run("audit without a reviewer", &zh(dir, &["audit", "pkg"]), 2);
    leaks.run(
        "audit refused",
        &zh(
            dir,
            &[
                "audit",
                "bad",
                "--reviewer",
                "张三",
                "--role",
                "项目负责人",
                "--result",
                "approved",
            ],
        ),
        1,
    );
    leaks.run(
        "audit of a zip",
        &zh(
            dir,
            &[
                "audit",
                "none.zip",
                "--reviewer",
                "张三",
                "--role",
                "项目负责人",
                "--result",
                "approved",
            ],
        ),
        2,
    );
    leaks.assert_none();
}

#[test]
fn batch_and_merge_speak_chinese() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut leaks = Leaks::default();
    let inbox = dir.join("inbox");
    copy_sample("pass", &inbox.join("合格包"));
    copy_sample("fail", &inbox.join("不合格包"));
    zip_dir(
        &sample("pass"),
        &inbox.join("压缩包.zip"),
        zip::CompressionMethod::Deflated,
    );
    fs::write(inbox.join("断了.zip"), b"PK\x03\x04 cut short").unwrap();
    fs::write(inbox.join("课程.rar"), b"Rar!\x1a\x07\x01\x00rest").unwrap();

    let out = run(trainpack()
        .current_dir(dir)
        .env("TRAINPACK_TODAY", "2024-08-05")
        .args(["batch", "inbox", "-o", "reports", "--lang", "zh"]));
    leaks.run("batch", &out, 2);
    leaks.csv("summary.csv", &dir.join("reports/summary.csv"));
    leaks.csv("duplicates.csv", &dir.join("reports/duplicates.csv"));
    leaks.html("summary.html", &dir.join("reports/summary.html"));
    for (rel, path) in list_files(&dir.join("reports")) {
        if rel.ends_with(".html") {
            leaks.html(&rel, &path);
        }
    }

    // With the office's roster.
    let roster = sample("roster").join("roster.csv");
    let out = run(trainpack()
        .current_dir(dir)
        .env("TRAINPACK_TODAY", "2024-08-05")
        .args([
            "batch",
            "inbox",
            "-o",
            "with-roster",
            "--lang",
            "zh",
            "--roster",
        ])
        .arg(&roster));
    leaks.run("batch --roster", &out, 2);
    leaks.csv(
        "summary.csv with roster",
        &dir.join("with-roster/summary.csv"),
    );
    leaks.html(
        "summary.html with roster",
        &dir.join("with-roster/summary.html"),
    );

    leaks.run(
        "merge",
        &zh(dir, &["merge", "reports", "with-roster", "-o", "merged"]),
        2,
    );
    leaks.run(
        "merge of no batch",
        &zh(dir, &["merge", "inbox", "-o", "m2"]),
        2,
    );
    leaks.run(
        "batch of no inbox",
        &zh(dir, &["batch", "nowhere", "-o", "r3"]),
        2,
    );
    leaks.assert_none();
}

#[test]
fn rules_speak_chinese() {
    let tmp = tempfile::tempdir().unwrap();
    let mut leaks = Leaks::default();
    leaks.run("rules", &zh(tmp.path(), &["rules"]), 0);
    leaks.run("rules TP001", &zh(tmp.path(), &["rules", "TP001"]), 0);
    leaks.assert_none();
}

#[test]
fn unknown_rule_code_speaks_chinese() {
    let tmp = tempfile::tempdir().unwrap();
    let mut leaks = Leaks::default();
    leaks.run("rules TP999", &zh(tmp.path(), &["rules", "TP999"]), 2);
    leaks.assert_none();
}

/// clap's own texts: `--help` of the program and of every subcommand,
/// under `--lang zh` and under a zh locale without `--lang`.
#[test]
fn help_speaks_chinese() {
    let tmp = tempfile::tempdir().unwrap();
    let mut leaks = Leaks::default();
    let commands = [
        "check", "manifest", "verify", "pack", "init", "audit", "rules", "batch", "merge",
    ];
    leaks.run("--help", &zh(tmp.path(), &["--help"]), 0);
    leaks.run("-h", &zh(tmp.path(), &["-h"]), 0);
    for command in commands {
        for flag in ["--help", "-h"] {
            leaks.run(
                &format!("{command} {flag}"),
                &zh(tmp.path(), &[command, flag]),
                0,
            );
        }
    }
    // `help` takes command names only (no --lang): the locale says zh.
    let by_locale = |args: &[&str]| {
        run(trainpack()
            .current_dir(tmp.path())
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "zh_CN.UTF-8")
            .args(args))
    };
    leaks.run("help (LANG=zh_CN.UTF-8)", &by_locale(&["help"]), 0);
    leaks.run(
        "help check (LANG=zh_CN.UTF-8)",
        &by_locale(&["help", "check"]),
        0,
    );
    let by_locale = by_locale(&["check", "--help"]);
    leaks.run("check --help (LANG=zh_CN.UTF-8)", &by_locale, 0);
    assert!(by_locale.stdout.contains("用法："), "{}", by_locale.stdout);
    leaks.assert_none();
}

/// clap's parse errors, each kind the command line can meet, and the
/// value checks of trainpack's own flags (`--shard`, `--received-at`,
/// `--note`): Chinese, exit 2.
#[test]
fn parse_errors_speak_chinese() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut leaks = Leaks::default();
    let cases: &[&[&str]] = &[
        &["check"],
        &["check", "x", "--bogus"],
        &["check", "x", "--jsn"],
        &["chek", "x"],
        &["check", "x", "--probe", "nope"],
        &["check", "x", "--threshold", "200"],
        &["check", "x", "--html"],
        &["verify", "x", "--ticket", "t", "--manifest", "m"],
        &["batch", "inbox", "-o", "out", "--shard", "9/2"],
        &["batch", "inbox", "-o", "out", "--shard", "x"],
        &["batch", "inbox", "-o", "out", "--received-at", "2024-01-01"],
        &["merge", "-o", "out"],
        &["audit", "x", "--note", "bad"],
    ];
    for args in cases {
        let out = zh(dir, args);
        leaks.run(&format!("{args:?}"), &out, 2);
        assert!(out.stderr.starts_with("错误："), "{args:?}: {}", out.stderr);
    }
    leaks.assert_none();
    // The value checks say why in Chinese, not only that the value is bad.
    let shard = zh(dir, &["batch", "inbox", "-o", "out", "--shard", "9/2"]);
    assert!(shard.stderr.contains("1 ≤ K ≤ N"), "{}", shard.stderr);
    // English stays clap's own.
    let en = run(trainpack().current_dir(dir).args(["check", "--lang", "en"]));
    assert_eq!(en.code, 2);
    assert!(en.stderr.starts_with("error: "), "{}", en.stderr);
}

/// The batch errors that were English only: a catalog of a schema version
/// this build does not know, a roster that cannot be read (the system's
/// reason), and a shard row whose output file merge refuses (its row's
/// error, shown in the merged summaries).
#[test]
fn catalog_roster_and_merge_refusals_speak_chinese() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut leaks = Leaks::default();
    let inbox = dir.join("inbox");
    copy_sample("pass", &inbox.join("合格包"));

    let future = dir.join("future");
    fs::create_dir_all(&future).unwrap();
    rusqlite::Connection::open(future.join("catalog.sqlite"))
        .unwrap()
        .execute_batch(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             INSERT INTO meta VALUES ('schema_version', '99');",
        )
        .unwrap();
    let out = zh(dir, &["batch", "inbox", "-o", "future", "-q"]);
    leaks.run("batch into a catalog of version 99", &out, 2);
    assert!(out.stderr.contains("99"), "{}", out.stderr);
    leaks.run(
        "merge of a catalog of version 99",
        &zh(dir, &["merge", "future", "-o", "m1"]),
        2,
    );

    let out = zh(
        dir,
        &["batch", "inbox", "-o", "r1", "-q", "--roster", "nosuch.csv"],
    );
    leaks.run("batch with a missing roster", &out, 2);
    assert!(out.stderr.contains("文件或文件夹不存在"), "{}", out.stderr);

    assert_eq!(zh(dir, &["batch", "inbox", "-o", "分片1", "-q"]).code, 0);
    rusqlite::Connection::open(dir.join("分片1/catalog.sqlite"))
        .unwrap()
        .execute("UPDATE packages SET report_file = '../secret.txt'", [])
        .unwrap();
    leaks.run(
        "merge of a row naming ../secret.txt",
        &zh(dir, &["merge", "分片1", "-o", "merged"]),
        2,
    );
    let summary = fs::read_to_string(dir.join("merged/summary.csv")).unwrap();
    assert!(summary.contains("已拒绝"), "{summary}");
    leaks.csv("merged summary.csv", &dir.join("merged/summary.csv"));
    leaks.assert_none();
}
