//! A share as two integers, so the 60% test is exact and the strings in
//! reports are made in one place.

use std::fmt;

use serde::{Serialize, Serializer};

/// `part / whole`, kept as integers. Serialises as its four-decimal
/// fraction truncated (`"0.6000"`, `"0.6666"` for 2/3) and displays as a
/// percentage with two decimals (`60.00%`); `0/0` is `"0.0000"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ratio {
    pub part: u64,
    pub whole: u64,
}

impl Ratio {
    pub fn new(part: u64, whole: u64) -> Ratio {
        Ratio { part, whole }
    }

    /// Whether the share reaches `percent`, in integers: `part·100 ≥
    /// whole·percent`. Never true for an empty whole.
    pub fn reaches(&self, percent: u32) -> bool {
        self.whole > 0
            && u128::from(self.part) * 100 >= u128::from(percent) * u128::from(self.whole)
    }

    /// The share in ten-thousandths, truncated: the one rounding every
    /// string form shares.
    fn basis_points(&self) -> u128 {
        if self.whole == 0 {
            return 0;
        }
        u128::from(self.part) * 10_000 / u128::from(self.whole)
    }

    /// The four-decimal fraction the reports carry (`"0.6000"`).
    pub fn decimal(&self) -> String {
        let n = self.basis_points();
        format!("{}.{:04}", n / 10_000, n % 10_000)
    }

    /// The share as a fraction in 0..=1 for drawing a bar, from the same
    /// truncated digits the text shows.
    pub fn fraction(&self) -> f64 {
        (self.basis_points() as f64 / 10_000.0).clamp(0.0, 1.0)
    }
}

impl fmt::Display for Ratio {
    /// `60.00%`: the truncated four decimals as a percentage.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.basis_points();
        write!(f, "{}.{:02}%", n / 100, n % 100)
    }
}

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.decimal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_four_truncated_decimals() {
        let json = |p, w| serde_json::to_string(&Ratio::new(p, w)).unwrap();
        assert_eq!(json(3, 5), "\"0.6000\"");
        assert_eq!(json(2, 3), "\"0.6666\"");
        assert_eq!(json(5, 5), "\"1.0000\"");
        assert_eq!(json(0, 0), "\"0.0000\"");
    }

    #[test]
    fn displays_as_a_percentage() {
        assert_eq!(Ratio::new(3, 5).to_string(), "60.00%");
        assert_eq!(Ratio::new(1, 1).to_string(), "100.00%");
        assert_eq!(Ratio::new(1, 12).to_string(), "8.33%");
        assert_eq!(Ratio::new(2, 3).to_string(), "66.66%");
        assert_eq!(Ratio::new(0, 0).to_string(), "0.00%");
    }

    #[test]
    fn reaching_the_threshold_is_exact_in_integers() {
        assert!(Ratio::new(3, 5).reaches(60));
        assert!(!Ratio::new(5_999_999, 10_000_000).reaches(60));
        assert!(Ratio::new(u64::MAX, u64::MAX).reaches(100));
        assert!(!Ratio::new(0, 0).reaches(0));
    }

    #[test]
    fn the_drawn_fraction_matches_the_printed_digits() {
        assert_eq!(
            Ratio::new(2, 3).fraction(),
            "0.6666".parse::<f64>().unwrap()
        );
        assert_eq!(Ratio::new(0, 0).fraction(), 0.0);
    }
}
