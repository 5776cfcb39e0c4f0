//! Policy files (TOML and JSON), training-package.json descriptors and
//! manifests: parse errors are values, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trainpack::descriptor::Descriptor;
use trainpack::manifest::Manifest;
use trainpack::policy::Policy;

fuzz_target!(|data: &[u8]| {
    let _ = Descriptor::parse(data);
    let _ = serde_json::from_slice::<Manifest>(data);
    let dir = std::env::temp_dir();
    let pid = std::process::id();
    for ext in ["toml", "json"] {
        let path = dir.join(format!("trainpack-fuzz-policy-{pid}.{ext}"));
        if std::fs::write(&path, data).is_ok() {
            if let Ok(policy) = Policy::load(&path, None) {
                assert!(policy.threshold_percent <= 100);
                assert!(policy.limits.max_entries >= 1);
            }
        }
    }
});
