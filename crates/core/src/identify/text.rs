//! Text content: subtitles, HTML, SVG, XML, plain text.
//!
//! Chinese packages often hold GBK/GB18030 text and UTF-16 subtitles from
//! Windows tools, so text is not only UTF-8.

use super::magic::Detected;
use crate::kinds::ResourceKind::*;
use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};
use std::borrow::Cow;

pub(crate) fn detect(head: &[u8], whole: bool) -> Option<Detected> {
    let text = decode(head, whole)?;
    let t = text.as_ref();
    if t.starts_with("WEBVTT") {
        return Some(("text/vtt", Some(Subtitle), None));
    }
    if is_srt(t) {
        return Some(("application/x-subrip", Some(Subtitle), None));
    }
    let body = skip_prolog(t);
    let starts = |p: &str| {
        body.get(..p.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(p))
    };
    if ["<!doctype html", "<html", "<head", "<body"]
        .into_iter()
        .any(starts)
    {
        return Some(("text/html", Some(Document), None));
    }
    if starts("<svg") || starts("<!doctype svg") {
        return Some(("image/svg+xml", Some(Image), None));
    }
    // The name decides what plain text, XML and scripts are (.csv, .json, .sh, ...).
    if t.trim_start().starts_with("<?xml") {
        return Some(("application/xml", None, None));
    }
    Some(("text/plain", None, None))
}

/// The head as text (BOM removed), or None when it looks binary.
fn decode(head: &[u8], whole: bool) -> Option<Cow<'_, str>> {
    let text: Cow<str> = if let Some(rest) = head.strip_prefix(b"\xef\xbb\xbf") {
        String::from_utf8_lossy(rest)
    } else if let Some(rest) = head.strip_prefix(b"\xff\xfe") {
        UTF_16LE.decode_without_bom_handling(rest).0
    } else if let Some(rest) = head.strip_prefix(b"\xfe\xff") {
        UTF_16BE.decode_without_bom_handling(rest).0
    } else {
        // A head cut from a longer file may end mid-character: judge the
        // complete lines ('\n' never occurs inside UTF-8 or GB18030 sequences).
        let complete = match head.iter().rposition(|&b| b == b'\n') {
            Some(nl) if !whole => &head[..=nl],
            _ => head,
        };
        // A NUL makes it binary whatever the decoding (below, too): said
        // first, by a vector search, most binary files cost no decoding.
        if memchr::memchr(0, complete).is_some() {
            return None;
        }
        match std::str::from_utf8(complete) {
            Ok(s) => Cow::Borrowed(s),
            // A UTF-8 sequence cut by the end of the head.
            Err(e) if !whole && e.error_len().is_none() => {
                Cow::Borrowed(std::str::from_utf8(&complete[..e.valid_up_to()]).ok()?)
            }
            Err(_) => {
                // Drop a possibly cut double-byte character at the end.
                let end = if whole {
                    complete.len()
                } else {
                    complete.iter().rposition(u8::is_ascii).map_or(0, |i| i + 1)
                };
                GB18030.decode_without_bom_handling_and_without_replacement(&complete[..end])?
            }
        }
    };
    let controls = text
        .chars()
        .filter(|&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c' | '\x1b'))
        .count();
    let has_nul = text.contains('\0');
    (!text.is_empty() && !has_nul && controls * 100 <= text.len()).then_some(text)
}

/// A cue number line, then `00:00:01,000 --> 00:00:04,000`.
fn is_srt(t: &str) -> bool {
    let mut lines = t.lines().map(str::trim).skip_while(|l| l.is_empty());
    let (Some(num), Some(timing)) = (lines.next(), lines.next()) else {
        return false;
    };
    let is_time = |s: &str| {
        let b = s.trim().as_bytes();
        // H:MM:SS,mmm with one or two hour digits; '.' is a common variant.
        let hour_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let rest = &b[hour_digits..];
        (1..=2).contains(&hour_digits)
            && rest.len() == 10
            && rest.iter().enumerate().all(|(i, &c)| match i {
                0 | 3 => c == b':',
                6 => c == b',' || c == b'.',
                _ => c.is_ascii_digit(),
            })
    };
    let timing = timing.split_once("-->");
    !num.is_empty()
        && num.bytes().all(|c| c.is_ascii_digit())
        && timing.is_some_and(|(a, b)| {
            // Cue settings may follow the end time.
            is_time(a) && b.split_whitespace().next().is_some_and(is_time)
        })
}

/// Skips whitespace, an XML declaration and comments before the first element.
fn skip_prolog(mut t: &str) -> &str {
    loop {
        t = t.trim_start();
        let end = if t.starts_with("<?xml") {
            t.find("?>").map(|i| i + 2)
        } else if t.starts_with("<!--") {
            t.find("-->").map(|i| i + 3)
        } else {
            return t;
        };
        match end {
            Some(e) => t = &t[e..],
            None => return t,
        }
    }
}
