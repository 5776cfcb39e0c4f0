//! Native side of the SHA-256 bench: `cargo run --release -- [MiB] [runs]`.
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let mib: u64 = args.next().map_or(1024, |a| a.parse().expect("MiB"));
    let runs: u32 = args.next().map_or(3, |a| a.parse().expect("runs"));
    for _ in 0..runs {
        let started = Instant::now();
        let byte = e2e_sha256_bench::hash_bytes(mib << 20, 1 << 20);
        let secs = started.elapsed().as_secs_f64();
        println!("native sha2: {mib} MiB in {secs:.3} s = {:.0} MiB/s ({byte})", mib as f64 / secs);
    }
}
