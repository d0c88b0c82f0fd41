//! The device's profile: which school server this device is enrolled with, as whom, with which
//! token and Ed25519 key, and how its last sync went. One row (`device_profile`, migration
//! 0004), kept in the device's own file beside the documents it describes.
//!
//! The store neither knows HTTP nor signs anything: the key is 32 opaque bytes here, and the
//! client crate gives them meaning.

use crate::{Result, Store};
use rusqlite::{params, OptionalExtension};

/// A device enrolled with a school server.
#[derive(Clone, PartialEq, Eq)]
pub struct Profile {
    /// Base URL of the server, without a trailing slash.
    pub server: String,
    pub login: String,
    /// The user's id (a staff member's id is the author of his changes).
    pub user_id: String,
    pub user_name: String,
    pub roles: Vec<String>,
    /// The device id the server gave at enrolment.
    pub device_id: String,
    pub device_name: String,
    /// The bearer token (secret).
    pub token: String,
    /// The device's Ed25519 secret key (secret).
    pub device_key: [u8; 32],
    /// Unix seconds.
    pub enrolled_at: i64,
    /// The last successful sync (unix seconds).
    pub last_sync_at: Option<i64>,
    /// The last failed sync's message, cleared by a successful one.
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets never reach a log.
        f.debug_struct("Profile")
            .field("server", &self.server)
            .field("login", &self.login)
            .field("user_id", &self.user_id)
            .field("user_name", &self.user_name)
            .field("roles", &self.roles)
            .field("device_id", &self.device_id)
            .field("device_name", &self.device_name)
            .field("enrolled_at", &self.enrolled_at)
            .field("last_sync_at", &self.last_sync_at)
            .field("last_error", &self.last_error)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// The device's profile, if it has been enrolled (`zhurnal login`).
    pub fn profile(&self) -> Result<Option<Profile>> {
        self.conn
            .query_row(
                "SELECT server, login, user_id, user_name, roles, device_id, device_name, token,
                        device_key, enrolled_at, last_sync_at, last_error, last_error_at
                 FROM device_profile WHERE id = 1",
                [],
                |r| {
                    let roles: String = r.get(4)?;
                    let key: Vec<u8> = r.get(8)?;
                    Ok((
                        Profile {
                            server: r.get(0)?,
                            login: r.get(1)?,
                            user_id: r.get(2)?,
                            user_name: r.get(3)?,
                            roles: roles
                                .split(',')
                                .filter(|s| !s.is_empty())
                                .map(str::to_string)
                                .collect(),
                            device_id: r.get(5)?,
                            device_name: r.get(6)?,
                            token: r.get(7)?,
                            device_key: [0; 32],
                            enrolled_at: r.get(9)?,
                            last_sync_at: r.get(10)?,
                            last_error: r.get(11)?,
                            last_error_at: r.get(12)?,
                        },
                        key,
                    ))
                },
            )
            .optional()?
            .map(|(mut p, key)| {
                p.device_key = key.try_into().map_err(|_| crate::StoreError::Corrupt {
                    path: self.path.clone(),
                    detail: "ключ устройства не 32 байта".into(),
                })?;
                Ok::<_, crate::StoreError>(p)
            })
            .transpose()
    }

    /// Enrols the device: replaces any previous profile (a new login), durably.
    pub fn set_profile(&mut self, p: &Profile) -> Result<()> {
        self.conn.execute(
            "INSERT INTO device_profile(id, server, login, user_id, user_name, roles, device_id,
                 device_name, token, device_key, enrolled_at, last_sync_at, last_error,
                 last_error_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT(id) DO UPDATE SET server = excluded.server, login = excluded.login,
                 user_id = excluded.user_id, user_name = excluded.user_name,
                 roles = excluded.roles, device_id = excluded.device_id,
                 device_name = excluded.device_name, token = excluded.token,
                 device_key = excluded.device_key, enrolled_at = excluded.enrolled_at,
                 last_sync_at = excluded.last_sync_at, last_error = excluded.last_error,
                 last_error_at = excluded.last_error_at",
            params![
                p.server,
                p.login,
                p.user_id,
                p.user_name,
                p.roles.join(","),
                p.device_id,
                p.device_name,
                p.token,
                p.device_key.to_vec(),
                p.enrolled_at,
                p.last_sync_at,
                p.last_error,
                p.last_error_at,
            ],
        )?;
        Ok(())
    }

    /// Forgets the enrolment (logging out): the token and the device key are deleted; the
    /// documents stay.
    pub fn clear_profile(&mut self) -> Result<()> {
        self.conn
            .execute("DELETE FROM device_profile WHERE id = 1", [])?;
        Ok(())
    }

    /// Who works at this computer when it is not enrolled (the app's local profile): a staff
    /// member's id, kept in `meta`.
    pub fn local_profile(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'local_profile'",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Sets the local profile, durably.
    pub fn set_local_profile(&mut self, staff_id: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES ('local_profile', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [staff_id],
        )?;
        Ok(())
    }

    /// The hash of a staff member's local PIN on this computer (a PHC string the service
    /// makes and checks; the store keeps it opaque), kept in `meta`.
    pub fn local_pin(&self, staff_id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [format!("pin:{staff_id}")],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Sets (or, with `None`, removes) a staff member's local PIN hash, durably.
    pub fn set_local_pin(&mut self, staff_id: &str, hash: Option<&str>) -> Result<()> {
        let key = format!("pin:{staff_id}");
        match hash {
            Some(h) => self.conn.execute(
                "INSERT INTO meta(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, h],
            )?,
            None => self
                .conn
                .execute("DELETE FROM meta WHERE key = ?1", [key])?,
        };
        Ok(())
    }

    /// Wrong local PINs of a staff member in a row, and until when (unix seconds) the next try
    /// must wait: kept in `meta`, so that closing and opening the app does not reset them.
    pub fn pin_tries(&self, staff_id: &str) -> Result<(u32, Option<i64>)> {
        let v: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [format!("pin_tries:{staff_id}")],
                |r| r.get(0),
            )
            .optional()?;
        let Some(v) = v else {
            return Ok((0, None));
        };
        let mut parts = v.split(' ');
        let n = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        let until = parts.next().and_then(|p| p.parse().ok());
        Ok((n, until))
    }

    /// Sets [`Store::pin_tries`]; `(0, None)` forgets them.
    pub fn set_pin_tries(&mut self, staff_id: &str, n: u32, until: Option<i64>) -> Result<()> {
        let key = format!("pin_tries:{staff_id}");
        if n == 0 && until.is_none() {
            self.conn
                .execute("DELETE FROM meta WHERE key = ?1", [key])?;
        } else {
            let value = match until {
                Some(u) => format!("{n} {u}"),
                None => n.to_string(),
            };
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
        }
        Ok(())
    }

    /// Records a successful sync at `at` (unix seconds) and clears the last error.
    pub fn record_sync_ok(&mut self, at: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE device_profile SET last_sync_at = ?1, last_error = NULL, last_error_at = NULL
             WHERE id = 1",
            [at],
        )?;
        Ok(())
    }

    /// Records a failed sync: its message for the status line.
    pub fn record_sync_error(&mut self, at: i64, message: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE device_profile SET last_error = ?1, last_error_at = ?2 WHERE id = 1",
            params![message, at],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Profile {
        Profile {
            server: "http://127.0.0.1:8080".into(),
            login: "ivanova".into(),
            user_id: "00000000-0000-0000-0000-000000000007".into(),
            user_name: "Иванова Мария Петровна".into(),
            roles: vec!["subject_teacher".into(), "class_teacher".into()],
            device_id: "00000000-0000-0000-0000-0000000000d1".into(),
            device_name: "Ноутбук кабинета 12".into(),
            token: "secret-token".into(),
            device_key: [9; 32],
            enrolled_at: 1_760_000_000,
            last_sync_at: None,
            last_error: None,
            last_error_at: None,
        }
    }

    #[test]
    fn the_profile_survives_reopening_and_records_each_sync() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.sqlite3");
        let mut store = Store::open(&path).unwrap();
        assert_eq!(
            store.profile().unwrap(),
            None,
            "a new device is not enrolled"
        );
        store.set_profile(&sample()).unwrap();
        store
            .record_sync_error(100, "нет связи с сервером")
            .unwrap();
        drop(store);

        let mut store = Store::open(&path).unwrap();
        let p = store.profile().unwrap().unwrap();
        assert_eq!(p.device_key, [9; 32]);
        assert_eq!(p.roles, sample().roles);
        assert_eq!(p.last_error.as_deref(), Some("нет связи с сервером"));
        assert_eq!(p.last_error_at, Some(100));
        store.record_sync_ok(200).unwrap();
        let p = store.profile().unwrap().unwrap();
        assert_eq!((p.last_sync_at, p.last_error), (Some(200), None));

        // A new login replaces the profile whole.
        let mut other = sample();
        other.login = "petrov".into();
        other.token = "another".into();
        store.set_profile(&other).unwrap();
        assert_eq!(store.profile().unwrap().unwrap(), other);

        // Logging out forgets the enrolment; the local profile is kept apart from it.
        store.set_local_profile("staff-1").unwrap();
        store.set_local_profile("staff-2").unwrap();
        store.clear_profile().unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.profile().unwrap(), None);
        assert_eq!(store.local_profile().unwrap().as_deref(), Some("staff-2"));
    }

    #[test]
    fn a_local_pin_is_kept_per_person_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.sqlite3");
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.local_pin("staff-1").unwrap(), None);
        store
            .set_local_pin("staff-1", Some("$argon2id$one"))
            .unwrap();
        store
            .set_local_pin("staff-2", Some("$argon2id$two"))
            .unwrap();
        store
            .set_local_pin("staff-1", Some("$argon2id$three"))
            .unwrap();
        drop(store);
        let mut store = Store::open(&path).unwrap();
        assert_eq!(
            store.local_pin("staff-1").unwrap().as_deref(),
            Some("$argon2id$three")
        );
        store.set_local_pin("staff-1", None).unwrap();
        assert_eq!(store.local_pin("staff-1").unwrap(), None);
        assert_eq!(
            store.local_pin("staff-2").unwrap().as_deref(),
            Some("$argon2id$two")
        );
        // The wrong tries and the wait after them survive a restart.
        assert_eq!(store.pin_tries("staff-2").unwrap(), (0, None));
        store.set_pin_tries("staff-2", 3, None).unwrap();
        store
            .set_pin_tries("staff-1", 5, Some(1_800_000_000))
            .unwrap();
        drop(store);
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.pin_tries("staff-2").unwrap(), (3, None));
        assert_eq!(
            store.pin_tries("staff-1").unwrap(),
            (5, Some(1_800_000_000))
        );
        store.set_pin_tries("staff-1", 0, None).unwrap();
        assert_eq!(store.pin_tries("staff-1").unwrap(), (0, None));
    }

    #[test]
    fn secrets_are_not_printed() {
        let text = format!("{:?}", sample());
        assert!(!text.contains("secret-token"), "{text}");
        assert!(text.contains("ivanova"));
    }
}
