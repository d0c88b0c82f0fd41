//! Passwords (argon2id), device tokens (random, only their SHA-256 is stored) and the login
//! rate limit (in memory: it protects a running server, and a restart forgetting it is fine).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 8;

/// The argon2id hash of a password, as a PHC string.
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).expect("16 bytes are a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any password")
        .to_string()
}

/// Whether `password` matches the stored hash (a damaged hash matches nothing).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash no password matches, verified for unknown logins so that they take as long as
/// known ones.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("нет такого пользователя"))
}

/// A new device token: 32 random bytes as 64 hex digits.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the server keeps of a token.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// A one-time password for a credential slip: 10 characters that cannot be misread on paper
/// (no 0/O, 1/l/I).
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 10];
    rand::rng().fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// Checks a new password; the message says what is wrong.
pub fn check_new_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(format!(
            "пароль слишком короткий: нужно не меньше {MIN_PASSWORD} символов"
        ));
    }
    Ok(())
}

/// Failed logins per login and per client address within a sliding window.
#[derive(Debug)]
pub struct RateLimiter {
    window: Duration,
    max_failures: usize,
    failures: HashMap<String, VecDeque<Instant>>,
}

impl Default for RateLimiter {
    /// 5 failures in 10 minutes.
    fn default() -> Self {
        Self::new(5, Duration::from_secs(600))
    }
}

impl RateLimiter {
    pub fn new(max_failures: usize, window: Duration) -> Self {
        Self {
            window,
            max_failures,
            failures: HashMap::new(),
        }
    }

    fn prune(&mut self, now: Instant) {
        let window = self.window;
        self.failures.retain(|_, q| {
            while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
                q.pop_front();
            }
            !q.is_empty()
        });
    }

    /// `Some(wait)` when any of `keys` has had too many failures: refuse until then.
    pub fn blocked(&mut self, keys: &[String], now: Instant) -> Option<Duration> {
        self.prune(now);
        keys.iter()
            .filter_map(|k| self.failures.get(k))
            .filter(|q| q.len() >= self.max_failures)
            .filter_map(|q| q.front())
            .map(|first| self.window.saturating_sub(now.duration_since(*first)))
            .max()
    }

    /// Records a failed login under every key.
    pub fn fail(&mut self, keys: &[String], now: Instant) {
        for k in keys {
            self.failures.entry(k.clone()).or_default().push_back(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_hash_only() {
        let h = hash_password("correct horse");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct horsf", &h));
        assert!(!verify_password("correct horse", "not a hash"));
        assert!(!verify_password("x", dummy_hash()));
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), token_hash(&b));
        let p = one_time_password();
        assert_eq!(p.len(), 10);
        assert!(check_new_password(&p).is_ok());
        assert!(check_new_password("short").is_err());
    }

    #[test]
    fn five_failures_block_for_the_rest_of_the_window() {
        let mut r = RateLimiter::default();
        let t0 = Instant::now();
        let keys = vec!["login:ivanova".to_string(), "ip:1.2.3.4".to_string()];
        for i in 0..4 {
            r.fail(&keys, t0 + Duration::from_secs(i));
        }
        assert_eq!(r.blocked(&keys, t0 + Duration::from_secs(5)), None);
        r.fail(&keys, t0 + Duration::from_secs(5));
        let wait = r.blocked(&keys, t0 + Duration::from_secs(6)).unwrap();
        assert_eq!(wait, Duration::from_secs(594));
        // Another login from the same address is blocked too; another address is not.
        let other = vec!["login:petrov".to_string(), "ip:1.2.3.4".to_string()];
        assert!(r.blocked(&other, t0 + Duration::from_secs(6)).is_some());
        let elsewhere = vec!["login:petrov".to_string(), "ip:5.6.7.8".to_string()];
        assert_eq!(r.blocked(&elsewhere, t0 + Duration::from_secs(6)), None);
        // The first failure leaves the window: four remain, the login is free again.
        assert_eq!(r.blocked(&keys, t0 + Duration::from_secs(600)), None);
    }
}
