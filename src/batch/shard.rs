//! `--shard K/N`: a stable subset of the inbox. A package belongs to shard
//! `(h mod N) + 1`, where `h` is the first 8 bytes (big-endian) of the
//! SHA-256 of its file name in the inbox: the same on every machine, every
//! run and every Rust version (unlike the standard library's hasher).

use sha2::{Digest, Sha256};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 1-based index.
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Parse `K/N` with 1 ≤ K ≤ N.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("{text:?}: expected K/N, for example 1/4"))?;
        let index: u64 = k
            .trim()
            .parse()
            .map_err(|_| format!("{text:?}: K is not a number"))?;
        let count: u64 = n
            .trim()
            .parse()
            .map_err(|_| format!("{text:?}: N is not a number"))?;
        if count == 0 || index == 0 || index > count {
            return Err(format!("{text:?}: need 1 ≤ K ≤ N"));
        }
        Ok(Shard { index, count })
    }

    pub fn contains(&self, name: &str) -> bool {
        shard_of(name, self.count) == self.index
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The 1-based shard of a package file name among `count` shards.
pub fn shard_of(name: &str, count: u64) -> u64 {
    let digest = Sha256::digest(name.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first) % count.max(1) + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(Shard::parse("2/5").unwrap(), Shard { index: 2, count: 5 });
        assert!(Shard::parse("0/5").is_err());
        assert!(Shard::parse("6/5").is_err());
        assert!(Shard::parse("1/0").is_err());
        assert!(Shard::parse("3").is_err());
    }

    #[test]
    fn shards_are_stable_and_cover_everything() {
        // Pinned (first 8 bytes of SHA-256, big-endian, mod N, plus 1,
        // worked out independently): a change here would move packages
        // between the shards of a running job array.
        assert_eq!(shard_of("a.zip", 4), 3);
        assert_eq!(shard_of("b.zip", 8), 7);
        let names: Vec<String> = (0..200).map(|i| format!("pkg-{i}.zip")).collect();
        for n in &names {
            let owners: Vec<u64> = (1..=3)
                .filter(|&k| Shard { index: k, count: 3 }.contains(n))
                .collect();
            assert_eq!(owners.len(), 1);
        }
        // Roughly balanced.
        let first = names.iter().filter(|n| shard_of(n, 2) == 1).count();
        assert!((60..140).contains(&first), "{first}");
    }
}
