//! A writer that hashes the bytes on their way to a file: the SHA-256 of
//! the whole stream and of every fixed-size chunk, each on its own thread.
//!
//! Why: `pack` used to write the bag, then read it back twice (once per
//! digest). Hashing the buffers as they are written saves both reads, and
//! the two digests run beside the writer instead of after it. Memory stays
//! bounded: at most `QUEUE` blocks of `BLOCK` bytes wait for each hasher.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::{Scope, ScopedJoinHandle};

use sha2::{Digest, Sha256};

use crate::scan::hex;

/// Bytes handed to the hashers at a time.
const BLOCK: usize = 1 << 20;
/// Blocks that may wait for a hasher before the writer waits for it.
const QUEUE: usize = 4;

/// One slice of the bag zip, bytes [offset, offset + size), and its
/// digest, as the upload ticket lists it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[schemars(rename = "chunk", title = "Chunk")]
pub struct ChunkDigest {
    /// Position of the chunk, from 0.
    pub index: u64,
    /// Byte offset of the chunk in the zip: index × chunk_size.
    pub offset: u64,
    /// Bytes in the chunk: chunk_size, or less for the last one.
    #[schemars(range(min = 1))]
    pub size: u64,
    /// SHA-256 of the chunk's bytes, lowercase hex.
    #[schemars(title = "SHA-256", with = "crate::schema::Sha256Hex")]
    pub sha256: String,
}

/// What the sink learned about everything written through it.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamDigest {
    pub size: u64,
    pub sha256: String,
    pub chunks: Vec<ChunkDigest>,
}

type Block = Arc<Vec<u8>>;

/// Writes to `inner` and hashes on two threads of `scope`.
pub struct DigestSink<'scope, W: Write> {
    inner: W,
    pending: Vec<u8>,
    /// Blocks handed to the hashers, oldest first; reused once both are
    /// done with them, so a 3 GB bag does not fault in 3 GB of fresh pages.
    sent: std::collections::VecDeque<Block>,
    to_whole: Option<SyncSender<Block>>,
    to_chunks: Option<SyncSender<Block>>,
    whole: ScopedJoinHandle<'scope, (u64, String)>,
    chunks: ScopedJoinHandle<'scope, Vec<ChunkDigest>>,
}

impl<'scope, W: Write> DigestSink<'scope, W> {
    pub fn new<'env>(scope: &'scope Scope<'scope, 'env>, inner: W, chunk_size: u64) -> Self {
        let (to_whole, whole_rx) = sync_channel::<Block>(QUEUE);
        let (to_chunks, chunks_rx) = sync_channel::<Block>(QUEUE);
        let whole = scope.spawn(move || hash_whole(whole_rx));
        let chunks = scope.spawn(move || hash_chunks(chunks_rx, chunk_size.max(1)));
        DigestSink {
            inner,
            pending: Vec::with_capacity(BLOCK),
            sent: Default::default(),
            to_whole: Some(to_whole),
            to_chunks: Some(to_chunks),
            whole,
            chunks,
        }
    }

    /// Write out what is pending and hand it to the hashers.
    fn push_block(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.inner.write_all(&self.pending)?;
        let next = self.spare_block();
        let block = Arc::new(std::mem::replace(&mut self.pending, next));
        for to in [&self.to_whole, &self.to_chunks].into_iter().flatten() {
            // A hasher only stops early by panicking; `finish` reports that.
            let _ = to.send(Arc::clone(&block));
        }
        self.sent.push_back(block);
        Ok(())
    }

    /// An empty block: the oldest one sent if both hashers have dropped it.
    fn spare_block(&mut self) -> Vec<u8> {
        // Both channels are bounded, so few blocks are ever in flight; past
        // that many the oldest is simply let go.
        if self.sent.len() > 2 * QUEUE + 4 {
            self.sent.pop_front();
        }
        if self.sent.front().is_some_and(|b| Arc::strong_count(b) == 1)
            && let Some(block) = self.sent.pop_front()
            && let Ok(mut spare) = Arc::try_unwrap(block)
        {
            spare.clear();
            return spare;
        }
        Vec::with_capacity(BLOCK)
    }

    /// Flush everything and wait for both digests. Returns the inner writer.
    pub fn finish(mut self) -> io::Result<(W, StreamDigest)> {
        self.push_block()?;
        self.inner.flush()?;
        // Closing the channels ends the hashers' loops.
        self.to_whole = None;
        self.to_chunks = None;
        let lost = |_| io::Error::other("a hashing thread stopped unexpectedly");
        let (size, sha256) = self.whole.join().map_err(lost)?;
        let chunks = self.chunks.join().map_err(lost)?;
        Ok((
            self.inner,
            StreamDigest {
                size,
                sha256,
                chunks,
            },
        ))
    }
}

impl<W: Write> Write for DigestSink<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = BLOCK - self.pending.len();
        let n = buf.len().min(room);
        self.pending.extend_from_slice(&buf[..n]);
        if self.pending.len() == BLOCK {
            self.push_block()?;
        }
        Ok(n)
    }

    /// Pending bytes stay until a block fills or `finish`: the digests need
    /// every byte in order, and flushing early would only make blocks smaller.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn hash_whole(blocks: Receiver<Block>) -> (u64, String) {
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    for block in blocks {
        hasher.update(&block[..]);
        size += block.len() as u64;
    }
    (size, hex(&hasher.finalize()))
}

fn hash_chunks(blocks: Receiver<Block>, chunk_size: u64) -> Vec<ChunkDigest> {
    let mut chunks = Vec::new();
    let mut hasher = Sha256::new();
    let mut offset = 0u64;
    let mut filled = 0u64;
    for block in blocks {
        let mut rest = &block[..];
        while !rest.is_empty() {
            let take = rest.len().min((chunk_size - filled) as usize);
            hasher.update(&rest[..take]);
            filled += take as u64;
            rest = &rest[take..];
            if filled == chunk_size {
                chunks.push(ChunkDigest {
                    index: chunks.len() as u64,
                    offset,
                    size: filled,
                    sha256: hex(&hasher.finalize_reset()),
                });
                offset += filled;
                filled = 0;
            }
        }
    }
    if filled > 0 {
        chunks.push(ChunkDigest {
            index: chunks.len() as u64,
            offset,
            size: filled,
            sha256: hex(&hasher.finalize()),
        });
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest_of(data: &[u8], chunk_size: u64, write_size: usize) -> (Vec<u8>, StreamDigest) {
        std::thread::scope(|scope| {
            let mut sink = DigestSink::new(scope, Vec::new(), chunk_size);
            for piece in data.chunks(write_size.max(1)) {
                sink.write_all(piece).unwrap();
            }
            sink.finish().unwrap()
        })
    }

    #[test]
    fn digests_match_the_bytes_written() {
        // Not a multiple of the block or chunk size, written in odd pieces.
        let data: Vec<u8> = (0..(3 * BLOCK + 12_345)).map(|i| (i % 251) as u8).collect();
        let chunk = (BLOCK as u64) + 7;
        let (written, digest) = digest_of(&data, chunk, 65_537);
        assert_eq!(written, data);
        assert_eq!(digest.size, data.len() as u64);
        assert_eq!(digest.sha256, hex(&Sha256::digest(&data)));
        assert_eq!(digest.chunks.len(), 4);
        let mut offset = 0usize;
        for (i, c) in digest.chunks.iter().enumerate() {
            assert_eq!(c.index, i as u64);
            assert_eq!(c.offset, offset as u64);
            let slice = &data[offset..offset + c.size as usize];
            assert_eq!(c.sha256, hex(&Sha256::digest(slice)));
            offset += c.size as usize;
        }
        assert_eq!(offset, data.len());
        assert_eq!(digest.chunks[3].size, data.len() as u64 - 3 * chunk);
    }

    #[test]
    fn empty_stream_has_no_chunks() {
        let (written, digest) = digest_of(&[], 8, 1);
        assert!(written.is_empty());
        assert_eq!(digest.size, 0);
        assert_eq!(digest.sha256, hex(&Sha256::digest(b"")));
        assert!(digest.chunks.is_empty());
    }

    #[test]
    fn exact_multiple_of_the_chunk_size_has_no_empty_tail() {
        let data = vec![9u8; 4000];
        let (_, digest) = digest_of(&data, 1000, 333);
        let sizes: Vec<u64> = digest.chunks.iter().map(|c| c.size).collect();
        assert_eq!(sizes, vec![1000; 4]);
    }
}
