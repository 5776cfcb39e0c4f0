//! Streaming scan of zip entry names, without expanding anything.
//!
//! Entry names appear in two places: local file headers (`PK\3\4`, before
//! each entry's data) and central-directory headers (`PK\1\2`, at the end).
//! Reading both means a zip whose local headers are odd (data descriptors,
//! prepended junk) or whose central directory is cut off still reveals its
//! parts. Only a few booleans are kept, so memory is bounded whatever the
//! archive size; the only buffer is a carry of at most one header's worth of
//! bytes for headers split across chunk boundaries.

use memchr::memmem;

/// Names longer than this are read only up to this length: every name we
/// care about is short, and prefixes (`ppt/`) survive truncation.
const MAX_NAME: usize = 256;
const LOCAL_FIXED: usize = 30;
const CENTRAL_FIXED: usize = 46;
/// The most bytes one header needs from its signature to the end of the
/// (truncated) name.
const SPAN: usize = CENTRAL_FIXED + MAX_NAME;

/// Facts about the entry names seen so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ZipFacts {
    pub content_types: bool,
    pub ppt: bool,
    pub word: bool,
    pub xl: bool,
    pub ims_manifest: bool,
    pub html_index: bool,
    pub android: bool,
    /// OFD (GB/T 33190): `OFD.xml` at the top.
    pub ofd: bool,
    /// iWork 2013+: `Index/*.iwa` parts, or a bundle's `Index.zip`.
    pub iwork_index: bool,
    pub iwork_slides: bool,
    pub iwork_tables: bool,
    /// Keynote '09: `index.apxl` at the top.
    pub keynote_09: bool,
    /// Pages or Numbers '09: `index.xml` beside `buildVersionHistory.plist`.
    pub iwork_09: bool,
    index_xml: bool,
    build_history: bool,
}

impl ZipFacts {
    fn record(&mut self, raw: &[u8], truncated: bool) {
        // Some Windows zip tools write '\' separators.
        let name: Vec<u8> = raw
            .iter()
            .map(|&b| if b == b'\\' { b'/' } else { b })
            .collect();
        self.ppt |= name.starts_with(b"ppt/");
        self.word |= name.starts_with(b"word/");
        self.xl |= name.starts_with(b"xl/");
        // A zipped bundle keeps its folder: `讲座.key/Index/...`.
        let index_at = memmem::find(&name, b"Index/");
        if let Some(at) = index_at.filter(|&at| at == 0 || name[at - 1] == b'/') {
            let part = &name[at + 6..];
            self.iwork_index |= part.ends_with(b".iwa");
            self.iwork_slides |= part.starts_with(b"Slide") || part.starts_with(b"MasterSlide");
            self.iwork_tables |= part.starts_with(b"Tables/");
        }
        if truncated {
            return;
        }
        let depth = name.iter().filter(|&&b| b == b'/').count();
        let base = name.rsplit(|&b| b == b'/').next().unwrap_or(&[]);
        let base_is = |s: &str| base.eq_ignore_ascii_case(s.as_bytes());
        self.content_types |= name == b"[Content_Types].xml";
        // A course is often zipped with its folder, hence "one folder deep".
        if depth <= 1 {
            self.ims_manifest |= base_is("imsmanifest.xml");
            self.html_index |=
                base_is("index.html") || base_is("index.htm") || base_is("story.html");
        }
        self.android |= name == b"AndroidManifest.xml" || name == b"classes.dex";
        self.ofd |= name == b"OFD.xml";
        if depth <= 1 {
            self.iwork_index |= base == b"Index.zip";
            self.keynote_09 |= base == b"index.apxl" || base == b"index.apxl.gz";
            self.index_xml |= base == b"index.xml" || base == b"index.xml.gz";
            self.build_history |= base == b"buildVersionHistory.plist";
            self.iwork_09 = self.index_xml && self.build_history;
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct ZipScanner {
    pub facts: ZipFacts,
    /// Absolute stream offset of the next byte fed.
    offset: u64,
    /// Unfinished tail of the stream (a partial signature or header).
    carry: Vec<u8>,
    carry_start: u64,
    /// Signatures starting before this absolute offset were already recorded:
    /// the boundary pass and the chunk pass may both see one.
    done_upto: u64,
}

impl ZipScanner {
    pub fn feed(&mut self, chunk: &[u8]) {
        let chunk_start = self.offset;
        self.offset += chunk.len() as u64;
        let mut carry = std::mem::take(&mut self.carry);
        if chunk.len() <= SPAN {
            // Small chunks accumulate; the carry stays below 2 * SPAN.
            carry.extend_from_slice(chunk);
            let keep = self.scan(&carry, self.carry_start);
            carry.drain(..keep);
            self.carry_start += keep as u64;
            self.carry = carry;
            return;
        }
        if !carry.is_empty() {
            // A header starting in the carry ends within SPAN bytes, so this
            // bounded join completes it without copying the whole chunk.
            carry.extend_from_slice(&chunk[..SPAN]);
            self.scan(&carry, self.carry_start);
            carry.clear();
        }
        let keep = self.scan(chunk, chunk_start);
        carry.extend_from_slice(&chunk[keep..]);
        self.carry = carry;
        self.carry_start = chunk_start + keep as u64;
    }

    /// Records every complete header in `buf` (which starts at absolute
    /// offset `start`); returns the index from which bytes must be kept.
    fn scan(&mut self, buf: &[u8], start: u64) -> usize {
        for p in memmem::find_iter(buf, b"PK") {
            if start + (p as u64) < self.done_upto {
                continue;
            }
            let h = &buf[p..];
            if h.len() < 4 {
                return p;
            }
            let (fixed, len_at) = match (h[2], h[3]) {
                (3, 4) => (LOCAL_FIXED, 26),
                (1, 2) => (CENTRAL_FIXED, 28),
                _ => continue,
            };
            if h.len() < fixed {
                return p;
            }
            let name_len = u16::from_le_bytes([h[len_at], h[len_at + 1]]) as usize;
            let take = name_len.min(MAX_NAME);
            if h.len() < fixed + take {
                return p;
            }
            self.facts
                .record(&h[fixed..fixed + take], name_len > MAX_NAME);
            self.done_upto = start + p as u64 + 1;
        }
        // A signature may be split after the last 3 bytes.
        buf.len().saturating_sub(3)
    }

    #[cfg(test)]
    pub fn carry_len(&self) -> usize {
        self.carry.len()
    }
}
