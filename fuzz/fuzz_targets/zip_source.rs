//! Any bytes as a package zip: open, list, scan, probe and check it in
//! process. Must never panic; every failure is an error or a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trainpack::check::{CheckOptions, check_package};
use trainpack::policy::Policy;
use trainpack::probe::Engine;
use trainpack::source::Package;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("trainpack-fuzz-{}.zip", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let mut policy = Policy::default();
    // Small limits so the fuzzer explores them, and never reads for long.
    policy.limits.max_total_bytes = 64 << 20;
    policy.limits.ratio_min_bytes = 1 << 16;
    let mut opts = CheckOptions::new(policy, trainpack::descriptor::parse_date("2026-01-01").unwrap());
    opts.probing.engine = Engine::Builtin;
    opts.threads = 1;
    if let Ok(package) = Package::open_with(&path, &opts.policy.limits) {
        let _ = check_package(&package, &path, &opts);
    }
});
