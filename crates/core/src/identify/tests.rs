use super::*;
use std::io::Write;

fn sniff(bytes: &[u8]) -> Sniffed {
    let mut s = Sniffer::new();
    s.update(bytes);
    s.finish()
}

fn sniff_chunked(bytes: &[u8], size: usize) -> Sniffed {
    let mut s = Sniffer::new();
    bytes.chunks(size).for_each(|c| s.update(c));
    s.finish()
}

fn of(path: &str, bytes: &[u8]) -> Classification {
    classify(path, &sniff(bytes))
}

fn ftyp(major: &[u8; 4], compat: &[&[u8; 4]]) -> Vec<u8> {
    let len = 16 + 4 * compat.len();
    let mut v = (len as u32).to_be_bytes().to_vec();
    v.extend_from_slice(b"ftyp");
    v.extend_from_slice(major);
    v.extend_from_slice(&[0, 0, 2, 0]);
    compat.iter().for_each(|b| v.extend_from_slice(*b));
    v.extend_from_slice(b"\0\0\0\x08free\0\0\0\x10mdat");
    v.resize(600, 0);
    v
}

fn zip(entries: &[(&str, &[u8])], stored: bool) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let method = if stored {
        zip::CompressionMethod::Stored
    } else {
        zip::CompressionMethod::Deflated
    };
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, data) in entries {
        w.start_file(*name, options).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn ooxml(part: &str) -> Vec<u8> {
    zip(
        &[
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("docProps/app.xml", b"<Properties/>"),
            (part, &[7u8; 3000]),
        ],
        false,
    )
}

const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";

#[test]
fn iso_bmff_brands() {
    let mp4 = sniff(&ftyp(b"isom", &[b"isom", b"iso2", b"avc1", b"mp41"]));
    assert_eq!(
        (mp4.media_type, mp4.kind, mp4.container),
        ("video/mp4", Some(Video), Some(Container::Mp4))
    );
    let mov = sniff(&ftyp(b"qt  ", &[b"qt  "]));
    assert_eq!(
        (mov.kind, mov.container),
        (Some(Video), Some(Container::Mov))
    );
    let m4a = sniff(&ftyp(b"M4A ", &[b"M4A ", b"mp42", b"isom"]));
    assert_eq!(
        (m4a.media_type, m4a.kind, m4a.container),
        ("audio/mp4", Some(Audio), None)
    );
    assert_eq!(
        sniff(&ftyp(b"3gp4", &[b"isom"])).container,
        Some(Container::ThreeGp)
    );
    assert_eq!(
        sniff(&ftyp(b"M4V ", &[b"M4V "])).container,
        Some(Container::M4v)
    );
    // An audio-only mp4 named .m4a or .mp4 is for the probe, not a mismatch here.
    assert!(!classify("a.m4a", &mp4).extension_mismatch);
    assert!(!classify("a.mp4", &mp4).extension_mismatch);
    // Audio-branded content named as a video is.
    let c = classify("a.mp4", &m4a);
    assert_eq!((c.kind, c.extension_mismatch), (Audio, true));
}

#[test]
fn matroska_vs_webm() {
    let ebml = |doctype: &[u8]| {
        let mut v = b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82".to_vec();
        v.push(0x80 | doctype.len() as u8);
        v.extend_from_slice(doctype);
        v.resize(400, 0);
        v
    };
    let mkv = sniff(&ebml(b"matroska"));
    assert_eq!(
        (mkv.media_type, mkv.container),
        ("video/x-matroska", Some(Container::Matroska))
    );
    let webm = sniff(&ebml(b"webm"));
    assert_eq!(
        (webm.media_type, webm.container),
        ("video/webm", Some(Container::WebM))
    );
}

#[test]
fn other_video_containers() {
    let mut avi = b"RIFF\x00\x10\x00\x00AVI LIST".to_vec();
    avi.resize(64, 0);
    assert_eq!(sniff(&avi).container, Some(Container::Avi));
    assert_eq!(
        sniff(b"FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00").container,
        Some(Container::Flv)
    );
    let mut asf = b"\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c".to_vec();
    asf.resize(64, 0);
    assert_eq!(sniff(&asf).container, Some(Container::Asf));
    assert!(!classify("a.wma", &sniff(&asf)).extension_mismatch);
    assert_eq!(
        sniff(b"\x00\x00\x01\xba\x44\x00\x04\x00\x04\x01").container,
        Some(Container::MpegPs)
    );

    for (stride, first) in [(188, 0), (192, 4)] {
        let mut ts = vec![0u8; stride * 6];
        (0..6).for_each(|i| ts[first + i * stride] = 0x47);
        let s = sniff(&ts);
        assert_eq!(
            (s.media_type, s.container),
            ("video/mp2t", Some(Container::MpegTs))
        );
    }
    let mut theora = b"OggS\x00\x02".to_vec();
    theora.resize(26, 0);
    theora.extend_from_slice(b"\x01\x2a\x80theora");
    theora.resize(80, 0);
    assert_eq!(sniff(&theora).kind, Some(Video));
}

#[test]
fn audio() {
    assert_eq!(sniff(b"ID3\x04\x00\x00\x00\x00\x00\x00").kind, Some(Audio));
    let mp3 = sniff(b"\xff\xfb\x90\x64\x00\x00\x00\x00\x00\x00");
    assert_eq!((mp3.media_type, mp3.kind), ("audio/mpeg", Some(Audio)));
    assert_eq!(
        sniff(b"\xff\xf1\x50\x80\x02\x1f\xfc").media_type,
        "audio/aac"
    );
    let mut wav = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00".to_vec();
    wav.resize(64, 0);
    assert_eq!(sniff(&wav).kind, Some(Audio));
    let mut opus = b"OggS\x00\x02".to_vec();
    opus.resize(26, 0);
    opus.extend_from_slice(b"\x01\x13OpusHead");
    opus.resize(80, 0);
    assert_eq!(
        (sniff(&opus).kind, sniff(&opus).container),
        (Some(Audio), None)
    );
}

#[test]
fn images_and_animation() {
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00";
    assert_eq!(sniff(png).kind, Some(Image));
    // A PNG named .jpg is the same kind: no finding.
    assert!(!of("a.jpg", png).extension_mismatch);

    // Logical screen 1x1, no global table; `frame` = image descriptor + 1 LZW sub-block.
    let frame: &[u8] = b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00";
    let mut gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec();
    gif.extend_from_slice(frame);
    let still = [gif.as_slice(), b";"].concat();
    assert_eq!(sniff(&still).kind, Some(Image));
    let animated = [gif.as_slice(), frame, b";"].concat();
    assert_eq!(sniff(&animated).kind, Some(Animation));
    assert!(!of("a.gif", &animated).extension_mismatch);

    let swf = sniff(b"CWS\x0a\x00\x10\x00\x00");
    assert_eq!(
        (swf.media_type, swf.kind),
        ("application/x-shockwave-flash", Some(Animation))
    );
    let svg =
        sniff(b"<?xml version=\"1.0\"?>\n<!-- x -->\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    assert_eq!((svg.media_type, svg.kind), ("image/svg+xml", Some(Image)));
}

#[test]
fn office_documents() {
    let cases = [
        ("ppt/presentation.xml", Presentation, "presentationml"),
        ("word/document.xml", Document, "wordprocessingml"),
        ("xl/workbook.xml", Spreadsheet, "spreadsheetml"),
    ];
    for (part, kind, media) in cases {
        let s = sniff(&ooxml(part));
        assert_eq!(s.kind, Some(kind), "{part}");
        assert!(s.media_type.contains(media), "{}", s.media_type);
    }
    for (mime, kind) in [
        ("text", Document),
        ("presentation", Presentation),
        ("spreadsheet", Spreadsheet),
    ] {
        let mimetype = format!("application/vnd.oasis.opendocument.{mime}");
        let odf = zip(
            &[("mimetype", mimetype.as_bytes()), ("content.xml", b"<x/>")],
            true,
        );
        let s = sniff(&odf);
        assert_eq!((s.media_type, s.kind), (mimetype.as_str(), Some(kind)));
    }
    assert_eq!(sniff(PDF).kind, Some(Document));
    assert_eq!(sniff(b"{\\rtf1\\ansi hello}").kind, Some(Document));
}

#[test]
fn compound_files_use_the_extension_as_tiebreak() {
    let mut cfb = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".to_vec();
    cfb.resize(4096, 0);
    let s = sniff(&cfb);
    assert_eq!((s.media_type, s.kind), (magic::OLE_STORAGE, None));
    for (name, kind) in [
        ("a.ppt", Presentation),
        ("a.xls", Spreadsheet),
        ("a.doc", Document),
        ("a.wps", Document),
        ("a.msi", Executable),
    ] {
        let c = classify(name, &s);
        assert_eq!((c.kind, c.extension_mismatch), (kind, false), "{name}");
    }
    assert_eq!(
        classify("a.ppt", &s).media_type,
        "application/vnd.ms-powerpoint"
    );
    assert_eq!(classify("a.bin", &s).kind, Other);
    assert!(classify("a.mp4", &s).extension_mismatch);
}

#[test]
fn courseware_and_plain_zips() {
    let scorm = sniff(&zip(
        &[
            ("imsmanifest.xml", b"<manifest/>"),
            ("sco/index.html", b"<html>"),
        ],
        false,
    ));
    assert_eq!(
        (scorm.media_type, scorm.kind),
        (magic::SCORM_ZIP, Some(Courseware))
    );
    for index in ["index.html", "course/index.htm", "story.html"] {
        let s = sniff(&zip(&[("course/app.js", b"x"), (index, b"<html>")], false));
        assert_eq!(
            (s.media_type, s.kind),
            (magic::HTML5_ZIP, Some(Courseware)),
            "{index}"
        );
        assert!(!classify("课件.zip", &s).extension_mismatch);
    }
    let deep = sniff(&zip(&[("a/b/index.html", b"<html>")], false));
    assert_eq!(
        (deep.media_type, deep.kind),
        ("application/zip", Some(Archive))
    );
    let plain = classify("资料.zip", &sniff(&zip(&[("a.txt", b"hi")], false)));
    assert_eq!((plain.kind, plain.extension_mismatch), (Archive, false));
    // A zip under no name, or another archive's, is still an archive.
    let nameless = classify("资料", &sniff(&zip(&[("a.txt", b"hi")], false)));
    assert_eq!(
        (nameless.kind, nameless.extension_mismatch),
        (Archive, false)
    );
    for (name, bytes) in [
        ("a.rar", &b"Rar!\x1a\x07\x01\x00\x00\x00\x00\x00"[..]),
        ("a.7z", b"7z\xbc\xaf\x27\x1c\x00\x04\x00\x00\x00\x00"),
        ("a.tar.gz", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"),
        ("a.tar.xz", b"\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4\x46"),
        ("a.tar.bz2", b"BZh91AY&SY\x00\x00\x00\x00"),
    ] {
        let c = of(name, bytes);
        assert_eq!((c.kind, c.extension_mismatch), (Archive, false), "{name}");
        assert_eq!(of("payload.bin", bytes).kind, Archive, "{name} renamed");
    }
    let apk = sniff(&zip(
        &[
            ("AndroidManifest.xml", b"\x03\x00"),
            ("classes.dex", b"dex\n"),
        ],
        false,
    ));
    assert_eq!(apk.kind, Some(Executable));
}

#[test]
fn executables() {
    let mut pe = b"MZ\x90\x00".to_vec();
    pe.resize(0x40, 0);
    pe[0x3c] = 0x40;
    pe.extend_from_slice(b"PE\0\0\x4c\x01");
    pe.resize(512, 0);
    assert_eq!(sniff(&pe).kind, Some(Executable));
    let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
    elf.resize(64, 0);
    assert_eq!(sniff(&elf).kind, Some(Executable));
    for script in ["run.bat", "run.cmd", "install.sh", "a.ps1", "a.vbs"] {
        let c = of(script, b"echo hello\r\n");
        assert_eq!(
            (c.kind, c.extension_mismatch),
            (Executable, false),
            "{script}"
        );
    }
}

#[test]
fn text_formats() {
    let srt = "\u{feff}1\r\n00:00:01,000 --> 00:00:04,000\r\n你好\r\n\r\n2\r\n00:00:05,000 --> 00:00:06,500\r\n再见\r\n";
    let s = sniff(srt.as_bytes());
    assert_eq!(
        (s.media_type, s.kind),
        ("application/x-subrip", Some(Subtitle))
    );
    let vtt = sniff(b"WEBVTT\n\n00:01.000 --> 00:04.000\nhi\n");
    assert_eq!((vtt.media_type, vtt.kind), ("text/vtt", Some(Subtitle)));
    for html in [
        &b"  <!DOCTYPE html><html></html>"[..],
        b"\xef\xbb\xbf<HTML lang=\"zh\">",
        b"<!-- saved -->\n<html>",
    ] {
        let h = sniff(html);
        assert_eq!((h.media_type, h.kind), ("text/html", Some(Document)));
    }
    let plain = sniff("第一章 概述\n这是说明。\n".as_bytes());
    assert_eq!((plain.media_type, plain.kind), ("text/plain", None));
    // GBK-encoded Chinese text is text too.
    let gbk = encoding_rs::GBK.encode("第一章 概述\n").0;
    assert_eq!(sniff(&gbk).media_type, "text/plain");

    // A head cut mid-character from a long single-line file is still text.
    assert_eq!(
        sniff_chunked("中文".repeat(5000).as_bytes(), 4096).media_type,
        "text/plain"
    );
    assert_eq!(
        sniff(&[0xffu8; 20_000]).media_type,
        "application/octet-stream"
    );

    let txt = classify("说明.txt", &plain);
    assert_eq!((txt.kind, txt.extension_mismatch), (Document, false));
    assert_eq!(classify("a.md", &plain).kind, Document);
    assert_eq!(classify("a.csv", &plain).kind, Spreadsheet);
    assert_eq!(classify("a.srt", &plain).kind, Subtitle);
    assert_eq!(classify("a.json", &plain).kind, Other);
    assert_eq!(
        classify("a.xml", &sniff(b"<?xml version=\"1.0\"?><a/>")).kind,
        Other
    );
    assert_eq!(classify("README", &plain).kind, Other);
    // TypeScript is not MPEG-TS.
    assert_eq!(
        classify("app.ts", &plain),
        Classification {
            kind: Other,
            media_type: "text/plain",
            ext_kind: Some(Video),
            extension_mismatch: false,
            junk_reason: None,
            encrypted: false,
        }
    );
    // Text under a binary format's name is not that kind.
    let fake = classify("lecture.mp4", &plain);
    assert_eq!((fake.kind, fake.extension_mismatch), (Other, true));
}

#[test]
fn pdf_named_mp4_and_mp4_named_pdf() {
    let c = of("第1课.mp4", PDF);
    assert_eq!(
        (c.kind, c.media_type, c.ext_kind, c.extension_mismatch),
        (Document, "application/pdf", Some(Video), true)
    );
    let c = of("a.pdf", &ftyp(b"isom", &[b"isom"]));
    assert_eq!((c.kind, c.extension_mismatch), (Video, true));
    assert!(!of("a.pdf", PDF).extension_mismatch);
    // Unknown binary named as a video: kind from the name, flagged.
    let c = of("a.mp4", &[0x13, 0x37, 0x00, 0x01, 0xfe, 0x00, 0x80, 0x00]);
    assert_eq!(
        (c.media_type, c.kind, c.extension_mismatch),
        ("application/octet-stream", Video, true)
    );
}

#[test]
fn junk_metadata_and_empty() {
    let cases = [
        ("__MACOSX/课程/._a.mp4", JunkReason::MacosResourceFork),
        ("模块1/._a.mp4", JunkReason::MacosResourceFork),
        ("模块1/.DS_Store", JunkReason::DsStore),
        ("THUMBS.DB", JunkReason::ThumbsDb),
        ("a/Desktop.ini", JunkReason::DesktopIni),
        ("a/~$讲义.docx", JunkReason::OfficeLock),
    ];
    for (path, reason) in cases {
        let c = of(path, PDF);
        assert_eq!((c.kind, c.junk_reason), (Junk, Some(reason)), "{path}");
    }
    let empty = sniff(b"");
    assert_eq!((empty.media_type, empty.size), ("inode/x-empty", 0));
    let c = classify("a.mp4", &empty);
    assert_eq!(
        (c.kind, c.junk_reason, c.extension_mismatch),
        (Junk, Some(JunkReason::Empty), false)
    );

    for path in [
        "training-package.json",
        "trainpack-manifest.json",
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "tagmanifest-md5.txt",
    ] {
        assert!(is_metadata_path(path), "{path}");
        assert_eq!(of(path, b"{}\n").kind, Metadata);
    }
    for path in [
        "data/training-package.json",
        "manifest-.txt",
        "manifest-sha256.csv",
        "notes.txt",
    ] {
        assert!(!is_metadata_path(path), "{path}");
    }
}

#[test]
fn extension_table() {
    assert_eq!(kind_for_extension("mp4"), Some(Video));
    assert_eq!(kind_for_extension("PPTX"), Some(Presentation));
    assert_eq!(kind_for_extension("dps"), Some(Presentation));
    assert_eq!(kind_for_extension("et"), Some(Spreadsheet));
    assert_eq!(kind_for_extension("apk"), Some(Executable));
    assert_eq!(kind_for_extension("swf"), Some(Animation));
    assert_eq!(kind_for_extension("qwerty"), None);
    assert_eq!(media_type_for_extension("pdf"), Some("application/pdf"));
    assert_eq!(classify(".bashrc", &sniff(b"x=1\n")).ext_kind, None);
}

#[test]
fn chunking_does_not_change_the_result() {
    // A large deflated body pushes the central directory far from the head,
    // and a long stored prefix makes signatures straddle chunk boundaries.
    let noise: Vec<u8> = (0u32..200_000)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let samples = [
        zip(
            &[("media/big.bin", &noise), ("course/index.html", b"<html>")],
            true,
        ),
        zip(
            &[
                ("[Content_Types].xml", b"<Types/>"),
                ("a.bin", &noise),
                ("ppt/slides/slide1.xml", b"<p/>"),
            ],
            false,
        ),
        zip(
            &[("imsmanifest.xml", b"<m/>"), ("b.bin", &noise[..5000])],
            true,
        ),
        ftyp(b"qt  ", &[b"qt  "]),
        PDF.to_vec(),
        "\u{feff}1\n00:00:01,000 --> 00:00:02,000\nx\n"
            .as_bytes()
            .to_vec(),
    ];
    for bytes in &samples {
        let whole = sniff(bytes);
        for size in [1, 2, 3, 7, 301, 302, 303, 4096, 65_537] {
            assert_eq!(sniff_chunked(bytes, size), whole, "chunk size {size}");
        }
    }
    assert_eq!(sniff(&samples[0]).kind, Some(Courseware));
    assert_eq!(sniff(&samples[1]).kind, Some(Presentation));
}

#[test]
fn signature_split_exactly_across_chunks() {
    // Only the central directory names index.html: make the local header unreadable.
    let mut bytes = zip(&[("index.html", b"<html>")], true);
    let local = memchr::memmem::find(&bytes, b"index.html").unwrap();
    bytes[local] = b'X';
    let central = memchr::memmem::rfind(&bytes, b"PK\x01\x02").unwrap();
    for split in central..central + 4 {
        let mut s = Sniffer::new();
        s.update(&bytes[..split]);
        s.update(&bytes[split..]);
        assert_eq!(s.finish().kind, Some(Courseware), "split at {split}");
    }
}

#[test]
fn large_non_zip_stream_stays_bounded() {
    let chunk = vec![0u8; 1 << 20];
    let mut s = Sniffer::new();
    for _ in 0..50 {
        s.update(&chunk);
    }
    assert_eq!(s.head.len(), HEAD_CAP);
    assert!(s.zip.is_none());
    let sniffed = s.finish();
    assert_eq!(
        (sniffed.size, sniffed.media_type),
        (50 << 20, "application/octet-stream")
    );
}

#[test]
fn large_zip_stream_keeps_a_bounded_carry() {
    let mut s = Sniffer::new();
    s.update(b"PK\x03\x04");
    let chunk: Vec<u8> = (0..1 << 20)
        .map(|i| if i % 1000 == 0 { b'P' } else { b'K' })
        .collect();
    for _ in 0..8 {
        s.update(&chunk);
        assert!(s.zip.as_ref().unwrap().carry_len() <= 3);
    }
}

/// infer sees at most `INFER_BYTES` of the head: what it recognises by
/// content past the first bytes (tar's magic at 257) still comes through,
/// and a PDF header late in the first kilobyte is found by our own search.
#[test]
fn infer_types_still_recognised_from_a_short_head() {
    let mut tar = vec![0u8; 4096];
    tar[..8].copy_from_slice(b"lesson01");
    tar[257..263].copy_from_slice(b"ustar\0");
    assert_eq!(sniff(&tar).media_type, "application/x-tar");
    let mut seven = b"7z\xbc\xaf\x27\x1c\x00\x04".to_vec();
    seven.resize(4096, 0x5a);
    assert_eq!(sniff(&seven).media_type, "application/x-7z-compressed");
    let mut pdf = vec![b' '; 700];
    pdf.extend_from_slice(b"%PDF-1.7\n");
    pdf.resize(4096, 0x80);
    assert_eq!(sniff(&pdf).media_type, "application/pdf");
}

/// What infer found before it was given 262 bytes still comes through:
/// zstd behind a long skippable frame, and `%PDF` without a dash late in
/// the first kilobyte.
#[test]
fn skippable_frames_and_dashless_pdf_headers_are_still_recognised() {
    let mut z = Vec::new();
    z.extend_from_slice(&0x184D_2A50u32.to_le_bytes());
    z.extend_from_slice(&300u32.to_le_bytes());
    z.extend(std::iter::repeat_n(0u8, 300));
    z.extend_from_slice(b"\x28\xb5\x2f\xfd");
    z.resize(4096, 0);
    assert_eq!(sniff(&z).media_type, "application/zstd");
    let mut p = vec![0u8; 300];
    p.extend_from_slice(b"%PDF");
    p.resize(4096, 0);
    assert_eq!(sniff(&p).media_type, "application/pdf");
}

/// A version 3 compound file: the directory in two sectors far apart (past
/// the sniffer's head), chained through the FAT. `entries` are (name, type,
/// left, right, child), entry 0 being the root.
fn compound_file(entries: &[(&str, u8, u32, u32, u32)]) -> Vec<u8> {
    const NONE: u32 = u32::MAX;
    const END: u32 = 0xffff_fffe;
    let (first_dir, second_dir, sectors) = (40u32, 60u32, 64usize);
    let mut file = vec![0u8; 512 * (sectors + 1)];
    file[..8].copy_from_slice(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1");
    file[24..26].copy_from_slice(&0x3eu16.to_le_bytes());
    file[26..28].copy_from_slice(&3u16.to_le_bytes());
    file[28..30].copy_from_slice(&0xfffeu16.to_le_bytes());
    file[30..32].copy_from_slice(&9u16.to_le_bytes());
    file[32..34].copy_from_slice(&6u16.to_le_bytes());
    file[44..48].copy_from_slice(&1u32.to_le_bytes()); // one FAT sector
    file[48..52].copy_from_slice(&first_dir.to_le_bytes());
    file[56..60].copy_from_slice(&4096u32.to_le_bytes());
    file[60..64].copy_from_slice(&END.to_le_bytes());
    file[68..72].copy_from_slice(&END.to_le_bytes());
    for i in 0..109 {
        let v = if i == 0 { 0 } else { NONE };
        file[76 + 4 * i..80 + 4 * i].copy_from_slice(&v.to_le_bytes());
    }
    let sector = |n: u32| 512 * (n as usize + 1);
    // Filler sectors: media-like bytes.
    for (i, b) in file[sector(1)..].iter_mut().enumerate() {
        *b = (i * 7 % 251) as u8;
    }
    let mut fat = vec![END; 128];
    fat[0] = 0xffff_fffd;
    fat[first_dir as usize] = second_dir;
    for (i, v) in fat.iter().enumerate() {
        file[sector(0) + 4 * i..sector(0) + 4 * i + 4].copy_from_slice(&v.to_le_bytes());
    }
    for dir in [first_dir, second_dir] {
        file[sector(dir)..sector(dir) + 512].fill(0);
    }
    for (id, &(name, kind, left, right, child)) in entries.iter().enumerate() {
        let dir = if id < 4 { first_dir } else { second_dir };
        let at = sector(dir) + (id % 4) * 128;
        let e = &mut file[at..at + 128];
        let units: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        e[..units.len()].copy_from_slice(&units);
        e[64..66].copy_from_slice(&((units.len() + 2) as u16).to_le_bytes());
        e[66] = kind;
        e[67] = 1;
        for (i, v) in [left, right, child].into_iter().enumerate() {
            e[68 + 4 * i..72 + 4 * i].copy_from_slice(&v.to_le_bytes());
        }
    }
    file
}

#[test]
fn compound_files_are_decided_by_the_streams_at_their_root() {
    const NONE: u32 = u32::MAX;
    // A Word file embedding a workbook: "Workbook" lies in a sub-storage.
    let word_with_embedded_sheet = |top: &str| {
        compound_file(&[
            ("Root Entry", 5, NONE, NONE, 1),
            ("ObjectPool", 1, NONE, 2, 3),
            (top, 2, NONE, NONE, NONE),
            ("_1234", 1, NONE, NONE, 4),
            ("Workbook", 2, NONE, NONE, NONE),
        ])
    };
    let word = word_with_embedded_sheet("WordDocument");
    assert!(word.len() > HEAD_CAP, "the directory lies past the head");
    for chunk in [1, 100, 511, 512, 513, 4096, word.len()] {
        let s = sniff_chunked(&word, chunk);
        assert_eq!(
            (s.media_type, s.kind, s.encrypted),
            ("application/msword", Some(Document), false),
            "chunks of {chunk}"
        );
    }
    assert_eq!(of("lecture.bin", &word).kind, Document);
    // Without WordDocument at the root, the nested workbook does not decide.
    let neither = word_with_embedded_sheet("Data");
    assert_eq!(sniff(&neither).media_type, magic::OLE_STORAGE);
    assert_eq!(of("x.bin", &neither).kind, Other);
    assert_eq!(
        of("x.xls", &neither).kind,
        Spreadsheet,
        "the name breaks the tie"
    );

    let deck = compound_file(&[
        ("Root Entry", 5, NONE, NONE, 1),
        ("Current User", 2, NONE, 2, NONE),
        ("PowerPoint Document", 2, NONE, NONE, NONE),
    ]);
    assert_eq!(of("deck", &deck).kind, Presentation);
    let book = compound_file(&[
        ("Root Entry", 5, NONE, NONE, 1),
        ("Book", 2, NONE, NONE, NONE),
    ]);
    assert_eq!(of("sheet", &book).kind, Spreadsheet);

    let encrypted = compound_file(&[
        ("Root Entry", 5, NONE, NONE, 1),
        ("EncryptionInfo", 2, 2, NONE, NONE),
        ("EncryptedPackage", 2, NONE, NONE, NONE),
    ]);
    assert!(sniff(&encrypted).encrypted);
    assert_eq!(of("a.docx", &encrypted).kind, Document);
    assert_eq!(of("a.pptx", &encrypted).kind, Presentation);
    assert_eq!(of("a.xlsx", &encrypted).kind, Spreadsheet);
    let a = of("a.bin", &encrypted);
    assert_eq!((a.kind, a.extension_mismatch), (Document, false));
}

#[test]
fn a_looping_compound_directory_ends() {
    const NONE: u32 = u32::MAX;
    let looping = compound_file(&[
        ("Root Entry", 5, NONE, NONE, 1),
        ("A", 2, 2, 1, NONE),
        ("B", 2, 1, 2, NONE),
    ]);
    assert_eq!(sniff(&looping).media_type, magic::OLE_STORAGE);
}

#[test]
fn two_ac3_sync_bytes_alone_are_not_audio() {
    // Valid header fields (48 kHz, 64 kbps: 256-byte frames) but no second
    // frame where the size says.
    let mut fake = b"\x0b\x77\x00\x00\x08\x40".to_vec();
    fake.resize(600, 0x55);
    assert_ne!(sniff(&fake).kind, Some(Audio));
    fake[256..258].copy_from_slice(b"\x0b\x77");
    assert_eq!(sniff(&fake).media_type, "audio/ac3");
    // An impossible sample-rate code.
    fake[4] = 0xc8;
    assert_ne!(sniff(&fake).kind, Some(Audio));
}

#[test]
fn targa_footer_is_read_across_chunks_and_a_bare_header_needs_the_name() {
    // Uncompressed 2×2 true-colour image, then the version 2 footer.
    let mut tga = vec![0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2, 0, 24, 0];
    tga.extend_from_slice(&[0x7f; 12]);
    let bare = tga.clone();
    tga.extend_from_slice(&[0; 8]);
    tga.extend_from_slice(b"TRUEVISION-XFILE.\0");
    for chunk in [1, 5, 17, 18, 19, tga.len()] {
        let s = sniff_chunked(&tga, chunk);
        assert_eq!(
            (s.media_type, s.kind),
            ("image/x-tga", Some(Image)),
            "{chunk}"
        );
    }
    assert_eq!(of("a.tga", &bare).kind, Image);
    let unnamed = of("a.bin", &bare);
    assert_eq!(
        (unnamed.kind, unnamed.media_type),
        (Other, "application/octet-stream")
    );
}

#[test]
fn a_compound_root_whose_streams_cannot_be_reached_falls_back_to_its_class() {
    const NONE: u32 = u32::MAX;
    // The root's child lies in a directory sector that was never chained.
    let mut file = compound_file(&[("Root Entry", 5, NONE, NONE, 9)]);
    assert_eq!(sniff(&file).media_type, magic::OLE_STORAGE);
    let root_clsid = 512 * 41 + 80;
    // PowerPoint's class id, {64818D10-4F9B-11CF-86EA-00AA00B929E8}.
    file[root_clsid..root_clsid + 16].copy_from_slice(&[
        0x10, 0x8d, 0x81, 0x64, 0x9b, 0x4f, 0xcf, 0x11, 0x86, 0xea, 0x00, 0xaa, 0x00, 0xb9, 0x29,
        0xe8,
    ]);
    assert_eq!(of("deck", &file).kind, Presentation);
    // Word 97's, {00020906-0000-0000-C000-000000000046}.
    file[root_clsid..root_clsid + 16].copy_from_slice(&[
        0x06, 0x09, 0x02, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46,
    ]);
    assert_eq!(of("doc", &file).kind, Document);
}

#[test]
fn netpbm_needs_a_whole_header() {
    assert_eq!(sniff(b"P6\n64 48\n255\n\x00\x01\x02").kind, Some(Image));
    assert_eq!(sniff(b"P1\n# a comment\n2 2\n0 1\n1 0\n").kind, Some(Image));
    assert_eq!(
        sniff(b"P7\nWIDTH 2\nHEIGHT 2\nDEPTH 3\nMAXVAL 255\nTUPLTYPE RGB\nENDHDR\n\x00").kind,
        Some(Image)
    );
    for text in [
        &b"P1 2 3 notes for the first lesson\n"[..],
        b"P3 is the third point\n",
        b"P6 64\n",
    ] {
        assert_eq!(
            sniff(text).media_type,
            "text/plain",
            "{:?}",
            String::from_utf8_lossy(text)
        );
    }
}

#[test]
fn a_compound_file_named_as_ooxml_is_an_encrypted_document() {
    const NONE: u32 = u32::MAX;
    // Streams out of reach, no class id: only the name is left to go by,
    // and an OOXML name over a compound file means a password sealed it.
    let sealed = compound_file(&[("Root Entry", 5, NONE, NONE, 9)]);
    for (name, kind) in [
        ("a.docx", Document),
        ("a.pptm", Presentation),
        ("a.xlsx", Spreadsheet),
    ] {
        let c = of(name, &sealed);
        assert_eq!(
            (c.kind, c.encrypted, c.extension_mismatch),
            (kind, true, false),
            "{name}"
        );
        assert_eq!(c.media_type, magic::ENCRYPTED_OOXML);
    }
    assert!(!of("a.doc", &sealed).encrypted);
}

#[test]
fn garbage_after_a_compound_signature_never_panics() {
    const NONE: u32 = u32::MAX;
    let good = compound_file(&[
        ("Root Entry", 5, NONE, NONE, 1),
        ("WordDocument", 2, NONE, NONE, NONE),
    ]);
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..300 {
        let mut bytes = good.clone();
        bytes.truncate(8 + (next() as usize % good.len()));
        // Flip bytes in the header and the directory sectors.
        for _ in 0..(1 + round % 40) {
            let at = next() as usize % bytes.len().max(1);
            let hot = [at % 512, 512 * 41 + at % 1024, at];
            let i = hot[round % 3].min(bytes.len() - 1).max(8);
            if i < bytes.len() {
                bytes[i] = next() as u8;
            }
        }
        let chunk = 1 + next() as usize % 700;
        let _ = sniff_chunked(&bytes, chunk);
    }
}

#[test]
fn zips_that_name_their_media_type_are_never_archives() {
    let with_mimetype = |mime: &[u8]| {
        sniff(&zip(
            &[
                ("mimetype", mime),
                ("content.xml", b"<office:document-content/>"),
            ],
            true,
        ))
    };
    for (mime, kind) in [
        (
            &b"application/vnd.oasis.opendocument.text-template"[..],
            Document,
        ),
        (
            b"application/vnd.oasis.opendocument.graphics-template",
            Image,
        ),
        (b"application/vnd.sun.xml.impress", Presentation),
        (b"application/vnd.oasis.opendocument.database", Other),
        (b"application/vnd.oasis.opendocument.formula", Other),
    ] {
        assert_eq!(
            with_mimetype(mime).kind,
            Some(kind),
            "{}",
            String::from_utf8_lossy(mime)
        );
    }
}

#[test]
fn ofd_and_other_open_packaging_zips_are_not_archives() {
    let ofd = sniff(&zip(
        &[
            ("OFD.xml", b"<ofd:OFD/>"),
            ("Doc_0/Document.xml", b"<ofd:Document/>"),
        ],
        false,
    ));
    assert_eq!(
        (ofd.media_type, ofd.kind),
        ("application/ofd", Some(Document))
    );
    assert!(!classify("通知.ofd", &ofd).extension_mismatch);
    let visio = sniff(&zip(
        &[
            ("[Content_Types].xml", b"<Types/>"),
            ("visio/document.xml", b"<VisioDocument/>"),
        ],
        false,
    ));
    assert_eq!(visio.kind, Some(Other));
}

#[test]
fn dicom_is_an_image() {
    // A 128-byte preamble, "DICM", then the file meta group.
    let mut dicom = vec![0u8; 128];
    dicom.extend_from_slice(b"DICM\x02\x00\x00\x00UL\x04\x00\x54\x00\x00\x00");
    dicom.resize(400, 0);
    let c = of("CT_0001.dcm", &dicom);
    assert_eq!((c.kind, c.extension_mismatch), (Image, false));
    assert_eq!(of("IM000001", &dicom).kind, Image);
}

/// An MXF header partition after a run-in of up to 64 KiB is found, in the
/// head or past it, whatever the chunks; a longer run-in is not MXF.
#[test]
fn mxf_after_a_run_in() {
    for (run_in, is_mxf) in [
        (1000, true),
        (HEAD_CAP - 5, true),
        (40_000, true),
        (65_535, true),
        (65_536, false),
    ] {
        let mut file: Vec<u8> = (0..run_in).map(|i| (i * 37 + 11) as u8).collect();
        file.extend_from_slice(magic::MXF_HEADER_PARTITION_KEY);
        file.extend_from_slice(&[0x83; 5000]);
        for chunk in [1, 7, 4096, 1 << 20] {
            let mut s = Sniffer::new();
            for part in file.chunks(chunk) {
                s.update(part);
            }
            let media_type = s.finish().media_type;
            assert_eq!(
                media_type == "application/mxf",
                is_mxf,
                "run-in {run_in}, chunk {chunk}: {media_type}"
            );
        }
    }
}
