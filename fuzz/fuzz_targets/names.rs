//! Zip entry names: decoding (UTF-8 or GB18030), path safety, NFC, control
//! characters. The invariants are what keeps a name inside the package.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trainpack::source::names;

fuzz_target!(|data: &[u8]| {
    let (name, _) = names::decode_zip_name(data);
    if let Ok(rel) = names::safe_relative_path(&name) {
        assert!(!rel.is_empty());
        assert!(!rel.starts_with('/'));
        assert!(!rel.contains('\\') && !rel.contains('\0'));
        assert!(
            rel.split('/')
                .all(|p| !p.is_empty() && p != "." && p != "..")
        );
        let (nfc, _) = names::to_nfc(&rel);
        let _ = names::depth(&nfc);
        let _ = names::case_key(&nfc);
    }
    let escaped = names::escape_controls(&name);
    assert!(!names::has_control_chars(&escaped));
    let _ = names::shorten(&name, 10);
});
