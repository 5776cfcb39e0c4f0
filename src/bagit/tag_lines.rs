//! Reading a tag file (manifest, `fetch.txt`) line by line with bounded
//! memory: a manifest may be gigabytes long, and one line may be too.

use std::io::{self, BufRead, BufReader, Read};

/// Lines longer than this are not held: they are skipped and reported. A
/// manifest line is a checksum (at most 128 hex digits) and a path (at most
/// `max_path_bytes`, 1 KiB by default, tripled by percent-encoding); a
/// fetch line adds a URL. 64 KiB leaves room for all of them.
pub const MAX_LINE_BYTES: usize = 64 << 10;

/// One line of a tag file.
pub enum Line<'a> {
    /// The line's text, decoded, without its `\n` or `\r\n` end.
    Text(&'a str),
    /// A line longer than [`MAX_LINE_BYTES`]; its bytes were skipped.
    TooLong,
}

/// A tag file read one line at a time, in the bag's tag-file encoding.
pub struct TagLines<R> {
    input: BufReader<R>,
    encoding: &'static encoding_rs::Encoding,
    bytes: Vec<u8>,
    text: String,
    /// 1-based number of the last line returned.
    number: u64,
    /// The file started with a UTF-8 byte-order mark (skipped).
    pub had_bom: bool,
    /// Some line was not valid in the encoding (decoded with U+FFFD).
    pub had_bad_encoding: bool,
}

impl<R: Read> TagLines<R> {
    pub fn new(input: R, encoding: &'static encoding_rs::Encoding) -> TagLines<R> {
        TagLines {
            input: BufReader::with_capacity(64 << 10, input),
            encoding,
            bytes: Vec::new(),
            text: String::new(),
            number: 0,
            had_bom: false,
            had_bad_encoding: false,
        }
    }

    /// The next line and its 1-based number, or None at the end.
    pub fn next_line(&mut self) -> io::Result<Option<(u64, Line<'_>)>> {
        self.bytes.clear();
        let mut too_long = false;
        let mut any = false;
        loop {
            let available = self.input.fill_buf()?;
            if available.is_empty() {
                if !any {
                    return Ok(None);
                }
                break;
            }
            any = true;
            let newline = memchr::memchr(b'\n', available);
            let chunk = &available[..newline.unwrap_or(available.len())];
            if !too_long {
                if self.bytes.len() + chunk.len() > MAX_LINE_BYTES {
                    too_long = true;
                    self.bytes = Vec::new();
                } else {
                    self.bytes.extend_from_slice(chunk);
                }
            }
            let used = newline.map_or(available.len(), |at| at + 1);
            self.input.consume(used);
            if newline.is_some() {
                break;
            }
        }
        self.number += 1;
        if too_long {
            return Ok(Some((self.number, Line::TooLong)));
        }
        let mut line: &[u8] = &self.bytes;
        if self.number == 1
            && let Some(rest) = line.strip_prefix(b"\xEF\xBB\xBF")
        {
            self.had_bom = true;
            line = rest;
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let (text, bad) = self.encoding.decode_without_bom_handling(line);
        self.had_bad_encoding |= bad;
        self.text.clear();
        self.text.push_str(&text);
        Ok(Some((self.number, Line::Text(&self.text))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(bytes: &[u8]) -> (Vec<Option<String>>, bool, bool) {
        let mut lines = TagLines::new(bytes, encoding_rs::UTF_8);
        let mut out = Vec::new();
        while let Some((_, line)) = lines.next_line().unwrap() {
            out.push(match line {
                Line::Text(t) => Some(t.to_owned()),
                Line::TooLong => None,
            });
        }
        (out, lines.had_bom, lines.had_bad_encoding)
    }

    #[test]
    fn lines_end_at_lf_or_crlf_and_the_last_may_lack_one() {
        let (lines, bom, bad) = all(b"\xEF\xBB\xBFa b\r\n\nc\n d");
        assert_eq!(
            lines,
            [
                Some("a b".into()),
                Some("".into()),
                Some("c".into()),
                Some(" d".into())
            ]
        );
        assert!(bom && !bad);
        assert!(all(b"").0.is_empty());
        assert_eq!(all(b"x\n").0, [Some("x".into())]);
    }

    #[test]
    fn a_line_over_the_limit_is_skipped_whole() {
        let mut bytes = vec![b'a'; MAX_LINE_BYTES * 3];
        bytes.extend_from_slice(b"\nnext\xFF\n");
        let (lines, _, bad) = all(&bytes);
        assert_eq!(lines, [None, Some("next\u{FFFD}".into())]);
        assert!(bad);
    }
}
