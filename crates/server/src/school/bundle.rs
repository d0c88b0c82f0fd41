//! USB bundles: verified with the enrolment key of the device that made them, then the same
//! gate as a sync.

use super::*;

impl SchoolServer {
    /// Imports a USB bundle: the signature is verified with the enrolment key of the device
    /// that made it, then its request passes the same gate as that device's sync. A bundle of
    /// a revoked device or user is kept in quarantine.
    pub fn import_bundle(&self, file: &[u8], via: &str) -> Result<BundleSummary> {
        use zhurnal_sync::bundle;
        let bundle_error = |e: bundle::BundleError| refuse(e.code(), e.to_string());
        let sealed = bundle::open(file).map_err(bundle_error)?;
        let (device, user) = {
            let mut st = self.storage();
            let device = st.device(sealed.device().0)?.ok_or_else(|| {
                refuse(
                    ErrorCode::ForeignActor,
                    "пакет сделан устройством, которое не входило на этот сервер",
                )
            })?;
            let user = st.user(device.user)?.ok_or_else(|| {
                refuse(
                    ErrorCode::ForeignActor,
                    "владельца устройства нет на сервере",
                )
            })?;
            (device, user)
        };
        let key: [u8; 32] = device.public_key.as_slice().try_into().map_err(|_| {
            refuse(
                ErrorCode::ForeignActor,
                "у устройства нет ключа для подписи пакетов",
            )
        })?;
        let b = sealed.verify(&key).map_err(bundle_error)?;
        if uuid(b.user.as_bytes()) != user.id || user.kind != UserKind::Staff {
            return Err(refuse(
                ErrorCode::ForeignActor,
                "пакет подписан устройством другого пользователя",
            ));
        }
        if device.revoked_at.is_some() || user.revoked_at.is_some() {
            self.storage().quarantine(
                Some(user.id),
                Some(device.id),
                ErrorCode::RevokedDevice.as_str(),
                file,
                now(),
            )?;
            return Err(refuse(
                ErrorCode::RevokedDevice,
                "устройство или учётная запись отключены администратором; пакет сохранён, но не принят",
            ));
        }
        let who = Principal {
            user: b.user,
            device: DeviceId(device.id),
        };
        let (_, audit) = self.apply_audited(&b.request, &who, via)?;
        let documents: BTreeSet<&str> = audit.iter().map(|a| a.doc.as_str()).collect();
        Ok(BundleSummary {
            documents: documents.len(),
            changes: audit.len(),
        })
    }

    /// `POST /api/v1/bundle`: only a staff member with the admin or deputy role carries
    /// bundles in.
    pub fn bundle(&self, token: Option<&str>, file: &[u8]) -> Result<BundleSummary> {
        let s = self.active(token, None, false)?;
        let school = self.storage().school()?;
        let allowed = s.user.kind == UserKind::Staff
            && school
                .staff_member(staff_id(s.user.id))
                .is_some_and(|m| m.roles.contains(&Role::Admin) || m.roles.contains(&Role::Deputy));
        if !allowed {
            return Err(refuse(
                ErrorCode::NoAccess,
                "пакеты с флешки принимают администратор или заместитель директора",
            ));
        }
        self.import_bundle(file, "bundle")
    }

    // -----------------------------------------------------------------------------------------
    // What parents and students see
}
