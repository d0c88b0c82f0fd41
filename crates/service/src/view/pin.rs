//! A local PIN per profile, for a computer several people share (the staff room's laptop):
//! without it anyone at the computer could choose any teacher, or the administrator, and write
//! in their name. The PIN is optional and lives only on this computer (its argon2id hash in the
//! school file); the server's password stays what protects the server.
//!
//! A profile with a PIN starts locked: every command that works as that person refuses
//! (`locked`) until the PIN is entered ([`App::unlock`]); «Заблокировать» ([`App::lock`])
//! locks it again when the teacher walks away. Five wrong PINs in a row make the next try wait,
//! longer each time; the count and the wait are kept in the file, so restarting the app does not
//! reset them.

use super::*;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;

/// Wrong PINs in a row after which the next try must wait.
const TRIES: u32 = 5;
/// How long it must wait after the first five (seconds); each further five double it, up to
/// an hour.
const WAIT_SECS: i64 = 30;
const WAIT_MAX_SECS: i64 = 3600;

/// The session's PIN state: whose PIN was entered.
#[derive(Default)]
pub(super) struct PinState {
    unlocked: Option<StaffId>,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn hash(pin: &str) -> String {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).expect("16 bytes are a valid salt");
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any input")
        .to_string()
}

fn matches(pin: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A new PIN as typed: 4 to 8 digits.
fn checked_new(pin: &str) -> AppResult<&str> {
    let pin = pin.trim();
    if !(4..=8).contains(&pin.chars().count()) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid("PIN-код — от 4 до 8 цифр"));
    }
    Ok(pin)
}

impl App {
    /// The PIN hash of `staff` on this computer, if he set one.
    pub(super) fn pin_of(&mut self, staff: StaffId) -> AppResult<Option<String>> {
        self.with_store(|s| s.local_pin(&staff.to_string()))
    }

    /// Whether the profile at work has a PIN that was not entered in this session.
    pub(super) fn is_locked(&mut self) -> bool {
        match self.profile {
            Some(id) if self.pin.unlocked != Some(id) => self.pin_of(id).ok().flatten().is_some(),
            _ => false,
        }
    }

    /// Checks `pin` against `staff`'s, counting wrong ones (a wait after [`TRIES`]).
    fn verify_pin(&mut self, staff: StaffId, pin: &str) -> AppResult<()> {
        let key = staff.to_string();
        let (failures, until) = self.with_store(|s| s.pin_tries(&key))?;
        if let Some(until) = until.filter(|u| *u > now()) {
            return Err(AppError::new(
                code::LOCKED,
                format!(
                    "Слишком много неверных PIN-кодов: попробуйте снова через {} с",
                    until - now()
                ),
            ));
        }
        let Some(hash) = self.pin_of(staff)? else {
            return Ok(());
        };
        if matches(pin.trim(), &hash) {
            if failures > 0 || until.is_some() {
                self.with_store(|s| s.set_pin_tries(&key, 0, None))?;
            }
            return Ok(());
        }
        let failures = failures + 1;
        let wait = (failures % TRIES == 0).then(|| {
            let doublings = (failures / TRIES - 1).min(7);
            now() + (WAIT_SECS << doublings).min(WAIT_MAX_SECS)
        });
        self.with_store(|s| s.set_pin_tries(&key, failures, wait))?;
        Err(AppError::new(code::LOCKED, "Неверный PIN-код"))
    }

    /// Whether `staff` may become the profile at work: with his PIN, if he set one.
    pub(super) fn check_pin_for(&mut self, staff: StaffId, pin: Option<&str>) -> AppResult<()> {
        if self.pin_of(staff)?.is_none() {
            return Ok(());
        }
        let Some(pin) = pin.filter(|p| !p.trim().is_empty()) else {
            return Err(AppError::new(
                code::LOCKED,
                "Введите PIN-код этого сотрудника",
            ));
        };
        self.verify_pin(staff, pin)?;
        self.pin.unlocked = Some(staff);
        Ok(())
    }

    /// Enters the PIN of the profile at work.
    pub fn unlock(&mut self, pin: &str) -> AppResult<AppState> {
        let Some(id) = self.profile else {
            return Err(AppError::new(
                code::NO_PROFILE,
                "Выберите, кто работает за этим компьютером",
            ));
        };
        self.verify_pin(id, pin)?;
        self.pin.unlocked = Some(id);
        self.state()
    }

    /// Locks the profile at work (it has a PIN): nothing is written in its name until the PIN
    /// is entered again. The edits of the session can no longer be undone.
    pub fn lock(&mut self) -> AppResult<AppState> {
        let id = self.who()?;
        if self.pin_of(id)?.is_none() {
            return Err(invalid(
                "Заблокировать можно, когда задан PIN-код: задайте его сначала",
            ));
        }
        self.pin.unlocked = None;
        self.undo.clear();
        self.state()
    }

    /// Sets, changes or (with `new` empty) removes the PIN of the profile at work; the PIN it
    /// has now must be given to change it.
    pub fn set_pin(&mut self, current: Option<&str>, new: Option<&str>) -> AppResult<AppState> {
        let id = self.who()?;
        if self.pin_of(id)?.is_some() {
            self.verify_pin(id, current.unwrap_or(""))?;
        }
        let new = new.map(str::trim).filter(|p| !p.is_empty());
        let hashed = new.map(checked_new).transpose()?.map(hash);
        self.with_store(|s| {
            s.set_local_pin(&id.to_string(), hashed.as_deref())?;
            s.set_pin_tries(&id.to_string(), 0, None)
        })?;
        self.pin.unlocked = Some(id);
        self.state()
    }

    /// The administrator removes the PIN of another member of staff on this computer (one who
    /// forgot it); that person chooses a new one after.
    pub fn clear_pin(&mut self, staff_id: &str) -> AppResult<Vec<StaffView>> {
        let who = self.who()?;
        let school = self.school()?;
        let is_admin = school
            .staff_member(who)
            .is_some_and(|s| s.roles.contains(&Role::Admin));
        if !is_admin {
            return Err(AppError::new(
                code::NO_ACCESS,
                "Снять чужой PIN-код может только администратор",
            ));
        }
        let id: StaffId = parse_id(staff_id, "сотрудника")?;
        if school.staff_member(id).is_none() {
            return Err(not_found("такого сотрудника в школе нет"));
        }
        self.with_store(|s| {
            s.set_local_pin(&id.to_string(), None)?;
            s.set_pin_tries(&id.to_string(), 0, None)
        })?;
        self.staff_list()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{ids, school};
    use super::*;

    #[test]
    fn a_pin_keeps_a_profile_locked_until_it_is_entered_and_guards_the_choice_of_it() {
        let (_dir, path) = school();
        let mut app = App::open(&path).unwrap();
        let ids = ids(&mut app);
        let st = app.set_profile(&ids.algebra_teacher, None).unwrap();
        assert!(!st.locked);
        assert!(!st.profile.as_ref().unwrap().pin);

        // Bad PINs change nothing.
        for bad in ["12", "123456789", "12a4", ""] {
            if bad.is_empty() {
                continue;
            }
            let e = app.set_pin(None, Some(bad)).unwrap_err();
            assert_eq!(e.code, code::INVALID, "{bad}: {e:?}");
        }
        assert!(app
            .pin_of(ids.algebra_teacher.parse().unwrap())
            .unwrap()
            .is_none());
        let st = app.set_pin(None, Some("2468")).unwrap();
        assert!(st.profile.as_ref().unwrap().pin && !st.locked);
        assert!(
            app.my_journals().is_ok(),
            "setting it leaves the teacher at work"
        );

        // Locked: nothing works in her name, and the state says whose PIN is asked.
        let st = app.lock().unwrap();
        assert!(st.locked);
        assert_eq!(app.my_journals().unwrap_err().code, code::LOCKED);
        assert_eq!(app.week(None).unwrap_err().code, code::LOCKED);
        assert_eq!(app.unlock("1357").unwrap_err().message, "Неверный PIN-код");
        assert!(app.state().unwrap().locked);
        assert!(!app.unlock("2468").unwrap().locked);
        assert!(app.my_journals().is_ok());

        // Reopening the file (the next start) asks again.
        drop(app);
        let mut app = App::open(&path).unwrap();
        assert!(app.state().unwrap().locked);
        assert_eq!(app.my_journals().unwrap_err().code, code::LOCKED);
        // Choosing her from the list takes her PIN too; another person without one is free.
        let staff = app.staff_list().unwrap();
        let her = staff.iter().find(|s| s.id == ids.algebra_teacher).unwrap();
        assert!(her.pin);
        assert!(staff
            .iter()
            .filter(|s| s.id != ids.algebra_teacher)
            .all(|s| !s.pin));
        let st = app.set_profile(&ids.class_teacher, None).unwrap();
        assert!(!st.locked);
        assert_eq!(
            app.set_profile(&ids.algebra_teacher, None)
                .unwrap_err()
                .code,
            code::LOCKED
        );
        assert_eq!(
            app.set_profile(&ids.algebra_teacher, Some("0000"))
                .unwrap_err()
                .message,
            "Неверный PIN-код"
        );
        assert_eq!(
            app.state().unwrap().profile.unwrap().id,
            ids.class_teacher,
            "a wrong PIN leaves the person at work as he was"
        );
        let st = app.set_profile(&ids.algebra_teacher, Some("2468")).unwrap();
        assert!(!st.locked);

        // Changing it takes the current PIN; an empty new one removes it.
        assert_eq!(
            app.set_pin(Some("1111"), Some("9999")).unwrap_err().code,
            code::LOCKED
        );
        app.set_pin(Some("2468"), Some("97531")).unwrap();
        app.lock().unwrap();
        assert!(!app.unlock("97531").unwrap().locked);
        let st = app.set_pin(Some("97531"), None).unwrap();
        assert!(!st.profile.unwrap().pin);
        assert_eq!(app.lock().unwrap_err().code, code::INVALID);
    }

    #[test]
    fn only_the_administrator_removes_a_forgotten_pin() {
        let (_dir, path) = school();
        let mut app = App::open(&path).unwrap();
        let ids = ids(&mut app);
        app.set_profile(&ids.algebra_teacher, None).unwrap();
        app.set_pin(None, Some("2468")).unwrap();
        app.set_profile(&ids.class_teacher, None).unwrap();
        let e = app.clear_pin(&ids.algebra_teacher).unwrap_err();
        assert_eq!(e.code, code::NO_ACCESS);
        let admin = app
            .staff_list()
            .unwrap()
            .into_iter()
            .find(|s| s.roles.iter().any(|r| r == "admin"))
            .unwrap();
        app.set_profile(&admin.id, None).unwrap();
        let staff = app.clear_pin(&ids.algebra_teacher).unwrap();
        assert!(staff.iter().all(|s| !s.pin));
        assert!(!app.set_profile(&ids.algebra_teacher, None).unwrap().locked);
    }

    #[test]
    fn five_wrong_pins_make_the_next_try_wait() {
        let (_dir, path) = school();
        let mut app = App::open(&path).unwrap();
        let ids = ids(&mut app);
        app.set_profile(&ids.algebra_teacher, None).unwrap();
        app.set_pin(None, Some("2468")).unwrap();
        app.lock().unwrap();
        for _ in 0..TRIES {
            assert_eq!(app.unlock("0000").unwrap_err().message, "Неверный PIN-код");
        }
        let e = app.unlock("2468").unwrap_err();
        assert!(
            e.message.starts_with("Слишком много неверных PIN-кодов"),
            "{e:?}"
        );
        assert!(app.state().unwrap().locked);
        // Closing and opening the app does not shorten the wait.
        drop(app);
        let mut app = App::open(&path).unwrap();
        let e = app.unlock("2468").unwrap_err();
        assert!(
            e.message.starts_with("Слишком много неверных PIN-кодов"),
            "{e:?}"
        );
        let who = ids.algebra_teacher.clone();
        let (n, until) = app.with_store(|s| s.pin_tries(&who)).unwrap();
        assert_eq!(n, TRIES);
        assert!(until.unwrap() - now() <= WAIT_SECS);
        // Once the wait is over the right PIN opens it, and the count starts again.
        app.with_store(|s| s.set_pin_tries(&who, n, Some(now() - 1)))
            .unwrap();
        assert!(!app.unlock("2468").unwrap().locked);
        assert_eq!(app.with_store(|s| s.pin_tries(&who)).unwrap(), (0, None));
        // Five more wrong ones after five earlier wait twice as long.
        app.lock().unwrap();
        app.with_store(|s| s.set_pin_tries(&who, TRIES, None))
            .unwrap();
        for _ in 0..TRIES {
            assert_eq!(app.unlock("0000").unwrap_err().message, "Неверный PIN-код");
        }
        let (_, until) = app.with_store(|s| s.pin_tries(&who)).unwrap();
        assert!(until.unwrap() - now() > WAIT_SECS, "{until:?}");
    }
}
