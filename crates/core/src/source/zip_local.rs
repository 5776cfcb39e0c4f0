//! Local file headers: what a streaming unzipper sees, compared with the
//! central directory that trainpack (and most tools) read.
//!
//! Our own comparison, not the zip crate's `validate_header_consistency`:
//! that one compares raw name bytes and every flag, so valid archives from
//! Info-ZIP (a Unicode Path extra field on one header only) and from
//! streaming writers (the data-descriptor bit set in one header only) were
//! reported as smuggling. Here names are compared as decoded text and sizes
//! only when the local header states them.

use std::io;

use super::names::decode_zip_name;
use crate::i18n::Text;
use crate::platform::PositionedRead;

pub const LOCAL_SIGNATURE: &[u8; 4] = b"PK\x03\x04";
/// Fixed part of a local header.
pub const LOCAL_FIXED: usize = 30;

/// A local header, as read from the archive.
#[derive(Clone, Debug)]
pub struct LocalHeader {
    pub flags: u16,
    pub method: u16,
    pub crc: u32,
    /// None when the header defers to a data descriptor (bit 3, zeros) or
    /// says 0xFFFFFFFF with no ZIP64 field to resolve it.
    pub compressed: Option<u64>,
    pub size: Option<u64>,
    pub name_raw: Vec<u8>,
    pub extra: Vec<u8>,
    /// Where the entry's data starts.
    pub data_start: u64,
}

impl LocalHeader {
    /// Read the local header at `offset`; an error when the bytes there are
    /// not one (or the file ends inside it).
    pub fn read_at<F: PositionedRead + ?Sized>(file: &F, offset: u64) -> io::Result<LocalHeader> {
        let mut fixed = [0u8; LOCAL_FIXED];
        file.read_exact_at(&mut fixed, offset)?;
        if fixed[0..4] != *LOCAL_SIGNATURE {
            return Err(io::Error::other("no local header signature"));
        }
        let u16_at = |i: usize| u16::from_le_bytes([fixed[i], fixed[i + 1]]);
        let u32_at =
            |i: usize| u32::from_le_bytes([fixed[i], fixed[i + 1], fixed[i + 2], fixed[i + 3]]);
        let (name_len, extra_len) = (usize::from(u16_at(26)), usize::from(u16_at(28)));
        let mut variable = vec![0u8; name_len + extra_len];
        file.read_exact_at(&mut variable, offset + LOCAL_FIXED as u64)?;
        let extra = variable.split_off(name_len);
        let flags = u16_at(6);
        let (crc, compressed, size) = (u32_at(14), u32_at(18), u32_at(22));
        let deferred = flags & 0x0008 != 0 && crc == 0 && compressed == 0 && size == 0;
        let (compressed, size) = if deferred {
            (None, None)
        } else {
            zip64_sizes(&extra, compressed, size)
        };
        Ok(LocalHeader {
            flags,
            method: u16_at(8),
            crc,
            compressed,
            size,
            name_raw: variable,
            data_start: offset + (LOCAL_FIXED + name_len + extra_len) as u64,
            extra,
        })
    }

    /// Whether this looks like a header a zip tool wrote, not four bytes
    /// that happen to spell the signature inside other data: a name of
    /// sane length without NUL, a known method, data with a stated size.
    pub fn plausible(&self) -> bool {
        const METHODS: [u16; 11] = [0, 1, 6, 8, 9, 12, 14, 93, 95, 98, 99];
        !self.name_raw.is_empty()
            && self.name_raw.len() <= 4096
            && !self.name_raw.contains(&0)
            && METHODS.contains(&self.method)
            && (self.compressed.is_some() || self.flags & 0x0008 != 0)
    }

    /// The name as text: the Info-ZIP Unicode Path (0x7075) when its CRC
    /// says it belongs to this raw name, else the raw name decoded.
    pub fn name(&self) -> String {
        effective_name(&self.name_raw, &self.extra)
    }
}

/// A raw zip name as text, preferring a Unicode Path extra field (0x7075)
/// whose CRC matches the raw name (APPNOTE 4.6.9: a stale one is ignored).
pub fn effective_name(raw: &[u8], extra: &[u8]) -> String {
    for (id, body) in extra_fields(extra) {
        if id == 0x7075 && body.len() >= 5 && body[0] == 1 {
            let crc = u32::from_le_bytes([body[1], body[2], body[3], body[4]]);
            if crc == crc32fast::hash(raw)
                && let Ok(name) = std::str::from_utf8(&body[5..])
            {
                return name.to_owned();
            }
        }
    }
    decode_zip_name(raw).0
}

/// The (id, body) pairs of an extra field block; stops at a truncated one.
fn extra_fields(mut extra: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        if extra.len() < 4 {
            return None;
        }
        let id = u16::from_le_bytes([extra[0], extra[1]]);
        let len = usize::from(u16::from_le_bytes([extra[2], extra[3]]));
        let body = extra.get(4..4 + len)?;
        extra = &extra[4 + len..];
        Some((id, body))
    })
}

/// Sizes from a local header, resolving 0xFFFFFFFF through the ZIP64 extra
/// field (uncompressed size first, then compressed, each only if marked).
fn zip64_sizes(extra: &[u8], compressed: u32, size: u32) -> (Option<u64>, Option<u64>) {
    let zip64 = extra_fields(extra)
        .find(|(id, _)| *id == 0x0001)
        .map(|f| f.1);
    let mut values = zip64
        .unwrap_or_default()
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()));
    let size = match size {
        u32::MAX => values.next(),
        n => Some(u64::from(n)),
    };
    let compressed = match compressed {
        u32::MAX => values.next(),
        n => Some(u64::from(n)),
    };
    (compressed, size)
}

/// What the central directory says about an entry, for the comparison.
pub struct Central<'a> {
    /// The name as text (Unicode Path applied, as the listing reads it).
    pub name: &'a str,
    pub method: u16,
    pub encrypted: bool,
    pub crc: u32,
    pub compressed: u64,
    pub size: u64,
}

/// How a local header disagrees with its central directory entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// No local header where the directory says the entry starts.
    Missing,
    Name {
        local: String,
    },
    Method {
        local: u16,
        central: u16,
    },
    Encryption,
    Crc,
    CompressedSize {
        local: u64,
        central: u64,
    },
    Size {
        local: u64,
        central: u64,
    },
}

impl Mismatch {
    pub fn text(&self) -> Text {
        match self {
            Mismatch::Missing => Text::new(
                "there is no local header where the central directory says the entry starts",
                "中央目录所指位置没有本地文件头",
            ),
            Mismatch::Name { local } => Text::new(
                format!("the local header names it {local}"),
                format!("本地文件头中的名称为 {local}"),
            ),
            Mismatch::Method { local, central } => Text::new(
                format!(
                    "compression method {local} in the local header, {central} in the directory"
                ),
                format!("压缩方式在本地文件头中为 {local}，在中央目录中为 {central}"),
            ),
            Mismatch::Encryption => Text::new(
                "one header says encrypted, the other not",
                "一处标记为加密，另一处未加密",
            ),
            Mismatch::Crc => Text::new("the CRC-32 differs", "CRC-32 校验值不同"),
            Mismatch::CompressedSize { local, central } => Text::new(
                format!("compressed size {local} in the local header, {central} in the directory"),
                format!("压缩后大小在本地文件头中为 {local}，在中央目录中为 {central}"),
            ),
            Mismatch::Size { local, central } => Text::new(
                format!("size {local} in the local header, {central} in the directory"),
                format!("原始大小在本地文件头中为 {local}，在中央目录中为 {central}"),
            ),
        }
    }
}

/// The first way `local` disagrees with `central`, if any. The
/// data-descriptor bit may differ between the two (streaming writers set it
/// in one only); what counts is that sizes and CRC, where the local header
/// states them, are the directory's. Modification times are not compared.
pub fn compare(local: &LocalHeader, central: &Central) -> Option<Mismatch> {
    let name = local.name();
    if name != central.name {
        return Some(Mismatch::Name { local: name });
    }
    if local.method != central.method {
        return Some(Mismatch::Method {
            local: local.method,
            central: central.method,
        });
    }
    if (local.flags & 1 != 0) != central.encrypted {
        return Some(Mismatch::Encryption);
    }
    let stated = local.compressed.is_some() || local.size.is_some();
    if stated && local.crc != central.crc {
        return Some(Mismatch::Crc);
    }
    if let Some(n) = local.compressed.filter(|&n| n != central.compressed) {
        return Some(Mismatch::CompressedSize {
            local: n,
            central: central.compressed,
        });
    }
    if let Some(n) = local.size.filter(|&n| n != central.size) {
        return Some(Mismatch::Size {
            local: n,
            central: central.size,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_path_is_used_only_when_its_crc_matches() {
        let gbk: &[u8] = b"\xbd\xb2\xd2\xe5.txt";
        let mut extra = vec![0x75, 0x70];
        let body = [
            &[1u8][..],
            &crc32fast::hash(gbk).to_le_bytes(),
            "讲义.txt".as_bytes(),
        ]
        .concat();
        extra.extend((body.len() as u16).to_le_bytes());
        extra.extend(&body);
        assert_eq!(effective_name(gbk, &extra), "讲义.txt");
        // A stale field (the raw name was changed after it was written).
        assert_eq!(effective_name(b"other.txt", &extra), "other.txt");
    }
}
