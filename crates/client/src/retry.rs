//! Exponential backoff with full jitter (docs/sync-http.md: 0.5 s, doubling, at most 60 s).
//!
//! The n-th wait is a uniformly random time between zero and `min(cap, base · 2ⁿ)`: many
//! devices that lost the link together (the school's Wi-Fi came back) do not return together.

use std::time::Duration;

/// How often and how patiently to try again after a failed round trip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// Tries in all, the first included.
    pub attempts: u32,
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            attempts: 8,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(60),
        }
    }
}

impl Backoff {
    /// The ceiling of the wait after the `failed`-th failure (1-based).
    pub fn ceiling(&self, failed: u32) -> Duration {
        let doubled = self.base.saturating_mul(
            1u32.checked_shl(failed.saturating_sub(1))
                .unwrap_or(u32::MAX),
        );
        doubled.min(self.cap)
    }

    /// The wait after the `failed`-th failure: uniform in `[0, ceiling]`.
    pub fn wait(&self, failed: u32, rng: &mut impl rand::Rng) -> Duration {
        let ceiling = self.ceiling(failed).as_micros() as u64;
        Duration::from_micros(rng.random_range(0..=ceiling))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn the_ceiling_doubles_from_half_a_second_up_to_a_minute() {
        let b = Backoff::default();
        let secs: Vec<f64> = (1..=10).map(|n| b.ceiling(n).as_secs_f64()).collect();
        assert_eq!(
            secs,
            [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0]
        );
        assert_eq!(b.ceiling(200), Duration::from_secs(60), "no overflow");
    }

    #[test]
    fn waits_are_spread_over_the_whole_range() {
        let b = Backoff::default();
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let waits: Vec<Duration> = (0..2000).map(|_| b.wait(4, &mut rng)).collect();
        assert!(waits.iter().all(|w| *w <= Duration::from_secs(4)));
        let low = waits
            .iter()
            .filter(|w| **w < Duration::from_secs(1))
            .count();
        let high = waits
            .iter()
            .filter(|w| **w > Duration::from_secs(3))
            .count();
        // Full jitter: each quarter of the range gets about a quarter of the waits.
        assert!((350..650).contains(&low), "{low}");
        assert!((350..650).contains(&high), "{high}");
    }
}
