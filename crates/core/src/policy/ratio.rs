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

    /// A share kept as its four-decimal text (the batch catalog's column):
    /// `"0.6667"` is 6667/10000, which prints and draws exactly as the
    /// ratio it was written from. None when the text is not of that form.
    pub fn from_decimal(text: &str) -> Option<Ratio> {
        let (units, fraction) = text.split_once('.')?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(units) || fraction.len() != 4 || !digits(fraction) {
            return None;
        }
        let part = units
            .parse::<u64>()
            .ok()?
            .checked_mul(10_000)?
            .checked_add(fraction.parse().ok()?)?;
        Some(Ratio::new(part, 10_000))
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
    fn a_decimal_read_back_prints_and_draws_as_the_ratio_written() {
        for (p, w) in [(2, 3), (3, 5), (1, 12), (0, 0), (7, 7), (1, 3_000_000)] {
            let written = Ratio::new(p, w);
            let back = Ratio::from_decimal(&written.decimal()).unwrap();
            assert_eq!(back.to_string(), written.to_string());
            assert_eq!(back.decimal(), written.decimal());
            assert_eq!(back.fraction(), written.fraction());
        }
        for bad in ["", "0.6", "60%", "0.60000", "-0.6000", "x.6000"] {
            assert_eq!(Ratio::from_decimal(bad), None, "{bad}");
        }
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
