//! Entry names: decoding legacy zip names, Unicode NFC, and path safety.
//!
//! This is the only place that turns raw names into package paths, so every
//! source applies the same rules.

use unicode_normalization::UnicodeNormalization;

/// How a zip entry's name bytes were decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameEncoding {
    Utf8,
    /// GBK/GB18030 bytes written without the UTF-8 flag (Windows tools on a Chinese system).
    Gb18030,
}

/// Decode a zip entry name: UTF-8 when the bytes are valid UTF-8 (always so
/// when the UTF-8 flag is honestly set); otherwise GB18030, a superset of GBK,
/// which is what Windows tools on a Chinese system write without the flag.
/// A flagged name that is not UTF-8 is broken either way, and GB18030 is the
/// likeliest truth for the packages we see.
pub fn decode_zip_name(raw: &[u8]) -> (String, NameEncoding) {
    if let Ok(s) = std::str::from_utf8(raw) {
        return (s.to_owned(), NameEncoding::Utf8);
    }
    let (text, _, _) = encoding_rs::GB18030.decode(raw);
    (text.into_owned(), NameEncoding::Gb18030)
}

/// How a file or folder name's OS bytes are shown as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OsNameForm {
    Utf8,
    /// Not UTF-8 but valid GBK/GB18030 (a Windows zip unzipped on Linux):
    /// shown decoded.
    Gbk,
    /// Neither: the bytes that are not UTF-8 are shown as `%XX`.
    Escaped,
}

/// A name as the OS stores it (one path component, or several joined by
/// `/`), shown as text: UTF-8 as it is; else decoded as GB18030 (a superset
/// of GBK, what Windows on a Chinese system writes) when every byte decodes
/// without replacement; else escaped ([`escape_name_bytes`]). Never lossy:
/// a replacement character would make different names look the same.
pub fn display_os_name(raw: &[u8]) -> (std::borrow::Cow<'_, str>, OsNameForm) {
    if let Ok(s) = std::str::from_utf8(raw) {
        return (std::borrow::Cow::Borrowed(s), OsNameForm::Utf8);
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(raw) {
        Some(text) => (std::borrow::Cow::Owned(text.into_owned()), OsNameForm::Gbk),
        None => (
            std::borrow::Cow::Owned(escape_name_bytes(raw)),
            OsNameForm::Escaped,
        ),
    }
}

/// The name with every byte that is not part of valid UTF-8 written as
/// `%XX` (upper-case hex): `报告.mp4` in GBK is `%B1%A8%B8%E6.mp4`. Shows
/// exactly which bytes a name has; `%` rather than `\x` so the result is
/// still a usable file name on Windows (in a bag, for instance).
pub fn escape_name_bytes(raw: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(raw.len() * 3);
    for chunk in raw.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Why a name cannot be a package path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnsafeReason {
    Absolute,
    ParentDir,
    DriveLetter,
    NulByte,
    Empty,
}

impl UnsafeReason {
    pub fn describe_en(self) -> &'static str {
        match self {
            UnsafeReason::Absolute => "absolute path",
            UnsafeReason::ParentDir => "'..' component that climbs out of the package",
            UnsafeReason::DriveLetter => "Windows drive letter",
            UnsafeReason::NulByte => "NUL byte",
            UnsafeReason::Empty => "empty name",
        }
    }
    pub fn describe_zh(self) -> &'static str {
        match self {
            UnsafeReason::Absolute => "绝对路径",
            UnsafeReason::ParentDir => "含有跳出包目录的“..”",
            UnsafeReason::DriveLetter => "含有 Windows 盘符",
            UnsafeReason::NulByte => "含有 NUL 字符",
            UnsafeReason::Empty => "名称为空",
        }
    }
}

/// Turn a decoded zip name into a package path (`a/b/c`), or say why it is
/// unsafe, and whether it used backslashes as separators. Windows PowerShell
/// 5.1 `Compress-Archive` writes `模块1\第1课.mp4`; 7-Zip, libarchive and
/// Explorer read the backslash as a folder separator, so trainpack does too.
/// The safety checks run on the converted name, so `..\x`, `C:\x` and a
/// leading `\` are refused like their `/` spellings.
pub fn zip_relative_path(name: &str) -> Result<(String, bool), UnsafeReason> {
    if name.contains('\\') {
        safe_relative_path(&name.replace('\\', "/")).map(|rel| (rel, true))
    } else {
        safe_relative_path(name).map(|rel| (rel, false))
    }
}

/// Turn a name with `/` separators into a package path (`a/b/c`), or say why
/// it is unsafe. Never lets a name reach outside the package: no `..`, no
/// absolute paths, no drive letters.
pub fn safe_relative_path(name: &str) -> Result<String, UnsafeReason> {
    if name.contains('\0') {
        return Err(UnsafeReason::NulByte);
    }
    if name.starts_with('/') {
        return Err(UnsafeReason::Absolute);
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Err(UnsafeReason::DriveLetter);
    }
    let mut parts = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => continue,
            ".." => return Err(UnsafeReason::ParentDir),
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err(UnsafeReason::Empty);
    }
    Ok(parts.join("/"))
}

/// NFC form of a path, and the original spelling when it differs (macOS
/// writes names decomposed; two spellings must compare equal).
pub fn to_nfc(path: String) -> (String, Option<String>) {
    // The quick check answers for almost every real name (Chinese, ASCII)
    // without building a second string: a tenth of the listing's time on
    // 100,000 files.
    if unicode_normalization::is_nfc_quick(path.chars()) == unicode_normalization::IsNormalized::Yes
    {
        return (path, None);
    }
    let nfc: String = path.nfc().collect();
    if nfc == path {
        (nfc, None)
    } else {
        (nfc, Some(path))
    }
}

/// Whether a name holds control characters (CR, LF, tab, ESC, DEL, C1...):
/// they break line-based listings (manifests, logs) and can rewrite a terminal.
/// NUL is refused earlier as unsafe.
pub fn has_control_chars(name: &str) -> bool {
    name.chars().any(char::is_control)
}

/// The name with control characters written as escapes (`\n`, `\u{1b}`), for
/// messages: never lets a name move the cursor or split a line.
pub fn escape_controls(name: &str) -> std::borrow::Cow<'_, str> {
    if !has_control_chars(name) {
        return std::borrow::Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 8);
    for c in name.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Number of components of a package path (`a/b/c.mp4` is 3).
pub fn depth(path: &str) -> u64 {
    path.split('/').filter(|p| !p.is_empty()).count() as u64
}

/// At most `max` characters of a name, with an ellipsis when cut: long names
/// stay readable in messages.
pub fn shorten(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        return name.to_owned();
    }
    let mut out: String = name.chars().take(max).collect();
    out.push('…');
    out
}

/// The key under which two names collide on a case-insensitive file system
/// (Windows, macOS by default): NFC, then lower case.
pub fn case_key(nfc_path: &str) -> std::borrow::Cow<'_, str> {
    if nfc_path.chars().any(lowercase_differs) {
        std::borrow::Cow::Owned(nfc_path.to_lowercase())
    } else {
        // Most names (lower-case ASCII, Chinese) are their own key: no copy.
        std::borrow::Cow::Borrowed(nfc_path)
    }
}

/// Whether lower-casing changes `c`. ASCII and the CJK and Hangul blocks
/// (caseless, checked by a test) are answered without the case tables.
fn lowercase_differs(c: char) -> bool {
    match c {
        '\0'..='\x7f' => c.is_ascii_uppercase(),
        '\u{3000}'..='\u{9fff}' | '\u{ac00}'..='\u{d7af}' => false,
        _ => {
            let mut lower = c.to_lowercase();
            lower.len() != 1 || lower.next() != Some(c)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_seen_and_escaped() {
        assert!(has_control_chars("a\nb.txt"));
        assert!(has_control_chars("a\rb"));
        assert!(has_control_chars("x\u{1b}[31m"));
        assert!(has_control_chars("x\u{85}"));
        assert!(!has_control_chars("模块1/第1课.mp4"));
        assert_eq!(escape_controls("a\nb"), "a\\nb");
        assert_eq!(escape_controls("课件.pptx"), "课件.pptx");
        assert_eq!(depth("a/b/c.mp4"), 3);
        assert_eq!(shorten("abcdef", 3), "abc…");
        assert_eq!(case_key("Ke.PDF"), case_key("ke.pdf"));
        assert_eq!(case_key("第1课/ÉTÉ.mp4"), "第1课/été.mp4");
        assert_eq!(case_key("Ａ.txt"), "ａ.txt"); // fullwidth letters have case
        assert!(matches!(
            case_key("模块1/课件.pptx"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    /// The blocks `lowercase_differs` answers without tables are caseless.
    #[test]
    fn cjk_and_hangul_blocks_are_caseless() {
        let blocks = ['\u{3000}'..='\u{9fff}', '\u{ac00}'..='\u{d7af}'];
        for c in blocks.into_iter().flatten() {
            let mut lower = c.to_lowercase();
            assert!(lower.len() == 1 && lower.next() == Some(c), "{c:?}");
        }
    }

    #[test]
    fn gbk_names_decode_to_chinese() {
        let (gbk, _, _) = encoding_rs::GBK.encode("模块1/第1课 导论.mp4");
        let (name, enc) = decode_zip_name(&gbk);
        assert_eq!(name, "模块1/第1课 导论.mp4");
        assert_eq!(enc, NameEncoding::Gb18030);
        assert_eq!(
            decode_zip_name("模块1/a.mp4".as_bytes()),
            ("模块1/a.mp4".to_owned(), NameEncoding::Utf8)
        );
    }

    #[test]
    fn os_names_show_as_utf8_gbk_or_escaped_bytes() {
        let (gbk, _, _) = encoding_rs::GBK.encode("报告.mp4");
        assert_eq!(
            display_os_name(&gbk),
            (std::borrow::Cow::Borrowed("报告.mp4"), OsNameForm::Gbk)
        );
        assert_eq!(escape_name_bytes(&gbk), "%B1%A8%B8%E6.mp4");
        assert_eq!(display_os_name("课件.pptx".as_bytes()).1, OsNameForm::Utf8);
        // Latin-1 "café.txt": not GBK either.
        let (shown, form) = display_os_name(b"caf\xe9.txt");
        assert_eq!((shown.as_ref(), form), ("caf%E9.txt", OsNameForm::Escaped));
        // Different bytes never show alike.
        let (a, _, _) = encoding_rs::GBK.encode("材料");
        assert_ne!(escape_name_bytes(&a), escape_name_bytes(&gbk));
    }

    #[test]
    fn unsafe_names_are_refused() {
        assert_eq!(
            safe_relative_path("../evil.txt"),
            Err(UnsafeReason::ParentDir)
        );
        assert_eq!(
            safe_relative_path("a/../../evil"),
            Err(UnsafeReason::ParentDir)
        );
        assert_eq!(
            safe_relative_path("/etc/passwd"),
            Err(UnsafeReason::Absolute)
        );
        assert_eq!(
            safe_relative_path("C:/x.txt"),
            Err(UnsafeReason::DriveLetter)
        );
        assert_eq!(
            zip_relative_path("..\\evil.txt"),
            Err(UnsafeReason::ParentDir)
        );
        assert_eq!(
            zip_relative_path("a\\..\\..\\evil.txt"),
            Err(UnsafeReason::ParentDir)
        );
        assert_eq!(
            zip_relative_path("C:\\evil.txt"),
            Err(UnsafeReason::DriveLetter)
        );
        assert_eq!(zip_relative_path("\\evil.txt"), Err(UnsafeReason::Absolute));
        assert_eq!(
            zip_relative_path("\\\\server\\share\\x"),
            Err(UnsafeReason::Absolute)
        );
        assert_eq!(
            zip_relative_path("模块1\\第1课.mp4"),
            Ok(("模块1/第1课.mp4".to_owned(), true))
        );
        assert_eq!(
            zip_relative_path("模块1/第1课.mp4"),
            Ok(("模块1/第1课.mp4".to_owned(), false))
        );
        assert_eq!(safe_relative_path("a\0b"), Err(UnsafeReason::NulByte));
        assert_eq!(safe_relative_path("./"), Err(UnsafeReason::Empty));
        assert_eq!(safe_relative_path("./a//b/c.mp4").unwrap(), "a/b/c.mp4");
    }

    #[test]
    fn nfc_keeps_the_original_spelling() {
        let decomposed = "cafe\u{301}.pdf";
        let (nfc, orig) = to_nfc(decomposed.to_owned());
        assert_eq!(nfc, "caf\u{e9}.pdf");
        assert_eq!(orig.as_deref(), Some(decomposed));
        assert_eq!(to_nfc("课件.pptx".into()), ("课件.pptx".to_owned(), None));
    }
}
