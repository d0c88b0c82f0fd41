//! Logging in, enrolling a device, and knowing a request's user and device by its token.

use super::*;

impl SchoolServer {
    /// Enrols a device: checks the password (rate-limited per login and per client address)
    /// and issues a token, of which only the SHA-256 is kept.
    pub fn login(&self, req: &LoginRequest, client: &str) -> Result<LoginResponse> {
        let keys = vec![
            format!("login:{}", req.login.trim().to_lowercase()),
            format!("addr:{client}"),
        ];
        if let Some(wait) = lock(&self.limiter).blocked(&keys, Instant::now()) {
            return Err(ServerError::Refused {
                code: ErrorCode::RateLimited,
                message: format!(
                    "слишком много неудачных попыток входа; попробуйте через {} мин.",
                    wait.as_secs().div_ceil(60).max(1)
                ),
                doc: None,
                retry_after: Some(wait.as_secs().max(1)),
            });
        }
        let key = zhurnal_sync::bundle::public_from_hex(req.device_key.trim())
            .map_err(|e| bad_request(format!("ключ устройства (device_key): {e}")))?
            .to_vec();
        let user = self.storage().user_by_login(req.login.trim())?;
        let ok = match &user {
            Some(u) => accounts::verify_password(&req.password, &u.password_hash),
            None => {
                accounts::verify_password(&req.password, accounts::dummy_hash());
                false
            }
        };
        let Some(user) = user.filter(|_| ok) else {
            lock(&self.limiter).fail(&keys, Instant::now());
            return Err(refuse(
                ErrorCode::BadCredentials,
                "неверный логин или пароль",
            ));
        };
        if user.revoked_at.is_some() {
            return Err(refuse(
                ErrorCode::RevokedDevice,
                "учётная запись отключена администратором школы",
            ));
        }
        let token = accounts::new_token();
        let device = Device {
            id: Uuid::new_v4(),
            user: user.id,
            name: if req.device_name.trim().is_empty() {
                "устройство".into()
            } else {
                req.device_name.trim().to_string()
            },
            public_key: key,
            created_at: now(),
            last_seen: None,
            revoked_at: None,
        };
        let mut st = self.storage();
        st.add_device(&device, &accounts::token_hash(&token))?;
        record_who(user.id, device.id);
        let school = st.school()?;
        Ok(LoginResponse {
            token,
            device: device.id,
            user: Self::info(&school, &user, None),
        })
    }

    /// The user and device of a bearer token: `401 unauthorized` for a missing or unknown one.
    pub fn authenticate(&self, token: Option<&str>) -> Result<Session> {
        let unauthorized = || {
            refuse(
                ErrorCode::Unauthorized,
                "нужен вход: войдите в программу заново",
            )
        };
        let token = token.filter(|t| !t.is_empty()).ok_or_else(unauthorized)?;
        let mut st = self.storage();
        let device = st
            .device_by_token(&accounts::token_hash(token))?
            .ok_or_else(unauthorized)?;
        let user = st.user(device.user)?.ok_or_else(unauthorized)?;
        record_who(user.id, device.id);
        Ok(Session { user, device })
    }

    /// Refuses a revoked device or user (keeping `body` in quarantine) and, unless
    /// `password_ok`, an account that must change its one-time password first.
    pub(super) fn active(
        &self,
        token: Option<&str>,
        quarantine: Option<&[u8]>,
        password_ok: bool,
    ) -> Result<Session> {
        let s = self.authenticate(token)?;
        if s.device.revoked_at.is_some() || s.user.revoked_at.is_some() {
            if let Some(body) = quarantine {
                self.storage().quarantine(
                    Some(s.user.id),
                    Some(s.device.id),
                    ErrorCode::RevokedDevice.as_str(),
                    body,
                    now(),
                )?;
            }
            return Err(refuse(
                ErrorCode::RevokedDevice,
                if s.user.revoked_at.is_some() {
                    "учётная запись отключена администратором школы; ваши записи сохранены, но не приняты"
                } else {
                    "это устройство отключено администратором школы; его записи сохранены, но не приняты"
                },
            ));
        }
        if s.user.must_change && !password_ok {
            return Err(refuse(
                ErrorCode::PasswordChangeRequired,
                "смените одноразовый пароль, прежде чем продолжить",
            ));
        }
        Ok(s)
    }

    /// `GET /api/v1/me`.
    pub fn me(&self, token: Option<&str>) -> Result<UserInfo> {
        let s = self.active(token, None, false)?;
        let school = self.storage().school()?;
        Ok(Self::info(&school, &s.user, Some(s.device.id)))
    }

    /// `POST /api/v1/password`.
    pub fn change_password(&self, token: Option<&str>, old: &str, new: &str) -> Result<()> {
        let s = self.active(token, None, true)?;
        if !accounts::verify_password(old, &s.user.password_hash) {
            return Err(refuse(ErrorCode::BadCredentials, "неверный текущий пароль"));
        }
        accounts::check_new_password(new).map_err(bad_request)?;
        if old == new {
            return Err(bad_request("новый пароль должен отличаться от прежнего"));
        }
        let hash = accounts::hash_password(new);
        self.storage()
            .set_password(s.user.id, &hash, false, false)?;
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Sync
}

/// Names the user and the device (their ids, never a login, name or token) in the request's
/// log line, once the request is known to come from them.
fn record_who(user: Uuid, device: Uuid) {
    let span = tracing::Span::current();
    span.record("user", tracing::field::display(user));
    span.record("device", tracing::field::display(device));
}
