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
    pub fn parse(text: &str) -> Result<Shard, ShardError> {
        let fail = |problem| ShardError {
            given: text.to_owned(),
            problem,
        };
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| fail(ShardProblem::NotKOverN))?;
        let index: u64 = k
            .trim()
            .parse()
            .map_err(|_| fail(ShardProblem::KNotANumber))?;
        let count: u64 = n
            .trim()
            .parse()
            .map_err(|_| fail(ShardProblem::NNotANumber))?;
        if count == 0 || index == 0 || index > count {
            return Err(fail(ShardProblem::OutOfRange));
        }
        Ok(Shard { index, count })
    }

    pub fn contains(&self, name: &str) -> bool {
        shard_of(name, self.count) == self.index
    }
}

/// Why a `--shard` value is not `K/N`.
#[derive(Debug, thiserror::Error)]
#[error("{given:?}: {}", .problem.text().en)]
pub struct ShardError {
    given: String,
    problem: ShardProblem,
}

#[derive(Debug)]
enum ShardProblem {
    NotKOverN,
    KNotANumber,
    NNotANumber,
    OutOfRange,
}

impl ShardProblem {
    fn text(&self) -> crate::i18n::Text {
        let (en, zh) = match self {
            ShardProblem::NotKOverN => ("expected K/N, for example 1/4", "应为 K/N 形式，例如 1/4"),
            ShardProblem::KNotANumber => ("K is not a number", "K 不是数字"),
            ShardProblem::NNotANumber => ("N is not a number", "N 不是数字"),
            ShardProblem::OutOfRange => ("need 1 ≤ K ≤ N", "须满足 1 ≤ K ≤ N"),
        };
        crate::i18n::Text::new(en, zh)
    }
}

impl crate::error::Localized for ShardError {
    fn text(&self) -> crate::i18n::Text {
        crate::i18n::Text::new(
            self.to_string(),
            format!("{:?}：{}", self.given, self.problem.text().zh),
        )
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
