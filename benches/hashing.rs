//! SHA-256 throughput of the `sha2` crate as `scan` uses it: 1 MiB chunks.
//! Compare with `openssl speed -evp sha256` (16384-byte column) for one core.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sha2::{Digest, Sha256};

const TOTAL: usize = 64 << 20;
const CHUNK: usize = 1 << 20;

fn hashing(c: &mut Criterion) {
    // Pseudo-random, so nothing is special about the content.
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let data: Vec<u8> = (0..TOTAL)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let mut g = c.benchmark_group("hashing");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1))
        .throughput(Throughput::Bytes(TOTAL as u64));
    g.bench_function("sha256_64MiB_1MiB_chunks", |b| {
        b.iter(|| {
            let mut h = Sha256::new();
            for chunk in data.chunks(CHUNK) {
                h.update(black_box(chunk));
            }
            black_box(h.finalize())
        })
    });
    g.finish();
}

criterion_group!(benches, hashing);
criterion_main!(benches);
