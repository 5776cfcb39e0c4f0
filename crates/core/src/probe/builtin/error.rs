//! Why the built-in probe could not confirm a video, as data. Each variant's
//! text is the reason TP013 quotes ("cannot read the video (…)"), word for
//! word what the probe wrote before these were types.

use thiserror::Error;

/// Why the built-in probe could not confirm a video.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum ProbeError {
    /// The index survives but points at data past the end of the file: an
    /// interrupted copy or download. Final: ffprobe reads the same index and
    /// would call the file a video, so it is not asked.
    #[error(transparent)]
    CutShort(#[from] Truncation),
    /// Anything else this probe cannot read (ffprobe may still read it).
    #[error(transparent)]
    Unreadable(#[from] Unreadable),
}

/// Where a file's own index proves it was cut short.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum Truncation {
    /// MP4: the video track's samples, as `stbl` places them.
    #[error(
        "the index places video samples up to offset {end}, past the end of the file \
         ({len} bytes): the file was cut short (truncated download?)"
    )]
    SamplesPastEnd { end: u64, len: u64 },
    /// Matroska: a Segment of known size.
    #[error(
        "the Segment at offset {pos} claims {size} bytes, past the end of the file \
         ({len} bytes): the file was cut short (truncated download?)"
    )]
    SegmentPastEnd { pos: u64, size: u64, len: u64 },
    /// Matroska of unknown Segment size: where the header walk stopped.
    #[error(
        "{what}; the Segment's size is unknown (live or piped recording): the file \
         was cut short (truncated download?)"
    )]
    UnsizedHeader { what: String },
    /// Matroska of unknown Segment size: the last element in the tail.
    #[error(
        "{what}, past the end of the file ({len} bytes); the Segment's size is unknown \
         (live or piped recording): the file was cut short (truncated download?)"
    )]
    UnsizedTail { what: String, len: u64 },
    /// Matroska of unknown Segment size: the blocks end before `Duration`.
    #[error(
        "the Duration is {total:.1} s but the blocks in the file end at \
         {present:.1} s; the Segment's size is unknown (live or piped recording): \
         the file was cut short (truncated download?)"
    )]
    BlocksEndEarly { total: f64, present: f64 },
    /// AVI: the index (or, without one, `LIST movi`) places data past the end.
    #[error(
        "{what} up to offset {end}, past the end of the file ({len} bytes): the file was cut \
         short (truncated download?)"
    )]
    DataPastEnd {
        what: &'static str,
        end: u64,
        len: u64,
    },
}

/// What the probe could not read, short of a proven cut.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum Unreadable {
    #[error("empty file")]
    Empty,
    #[error("file too short ({0} bytes)")]
    TooShort(u64),
    #[error("offset overflow")]
    OffsetOverflow,
    #[error("read past the end of the file at offset {0}")]
    ReadPastEnd(u64),
    #[error("seek to {pos}: {error}")]
    Seek { pos: u64, error: String },
    #[error("read at {pos}: {error}")]
    Read { pos: u64, error: String },
    /// An index larger than the probe reads into memory.
    #[error("{what} too large ({len} bytes, limit {limit}): index too large")]
    IndexTooLarge {
        what: &'static str,
        len: u64,
        limit: u64,
    },
    #[error("{what} at offset {pos} ({len} bytes) runs past the end of the file: truncated?")]
    RunsPastEnd {
        what: &'static str,
        pos: u64,
        len: u64,
    },
    #[error("{what} too large")]
    TooLarge { what: &'static str },
    /// The file could not be opened a second time for a seekable read.
    #[error("cannot open the file again: {0}")]
    Reopen(String),
    /// The format's own structure is broken; the text says where.
    #[error("{0}")]
    Malformed(String),
}

impl ProbeError {
    /// The reason as TP013 quotes it.
    pub fn into_reason(self) -> String {
        self.to_string()
    }
}

/// Format parsers describe broken structure in words.
impl From<String> for ProbeError {
    fn from(reason: String) -> ProbeError {
        ProbeError::Unreadable(Unreadable::Malformed(reason))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The typed reasons render the texts reports have always carried.
    #[test]
    fn renders_the_texts_reports_carry() {
        let cut = ProbeError::from(Truncation::SamplesPastEnd {
            end: 3760,
            len: 1880,
        });
        assert_eq!(
            cut.into_reason(),
            "the index places video samples up to offset 3760, past the end of the file \
             (1880 bytes): the file was cut short (truncated download?)"
        );
        let large = ProbeError::from(Unreadable::IndexTooLarge {
            what: "moov",
            len: 10,
            limit: 5,
        });
        assert_eq!(
            large.into_reason(),
            "moov too large (10 bytes, limit 5): index too large"
        );
        let tail = Truncation::BlocksEndEarly {
            total: 10.0,
            present: 4.04,
        };
        assert!(
            tail.to_string()
                .starts_with("the Duration is 10.0 s but the blocks in the file end at 4.0 s;")
        );
    }
}
