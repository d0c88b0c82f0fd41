//! A device's sync: its token, then the sans-IO gate (`zhurnal_sync::gate::check`), then
//! one storage transaction and the answer.

use super::*;

impl SchoolServer {
    /// `POST /api/v1/sync`: check, apply with bindings and audit in one transaction, answer.
    pub fn sync(&self, token: Option<&str>, body: &[u8]) -> Result<Vec<u8>> {
        let s = self.active(token, Some(body), false)?;
        if s.user.kind != UserKind::Staff {
            return Err(refuse(
                ErrorCode::NoAccess,
                "ученикам и родителям журнал не передаётся: смотрите отметки в дневнике",
            ));
        }
        let who = Principal {
            user: staff_id(s.user.id),
            device: DeviceId(s.device.id),
        };
        // A body in short names the roster dictionary it was coded with, the server's changes
        // by short hashes and the documents it folded: all are read against the documents as
        // they are now, before anything of the request is applied — what the device last
        // received. One lock and one reading of the school for the whole request.
        let mut st = self.storage();
        let school = st.school()?;
        let dict = wire::body_dictionary(body)
            .map(|_| wire::Dictionary::of_reader(&school, who.user, &mut **st));
        let mut lookup = DocLookup::new(&school, who.user, &mut **st);
        let req = wire::decode_request_with(body, dict.as_ref(), Some(&mut lookup))?;
        let (resp, audit) = self.gate(&mut **st, &school, &req, &who, "sync")?;
        // `device list` shows when a device last synced, also when it only received; a write
        // at most once a minute per device.
        let at = now();
        if audit.is_empty()
            && s.device
                .last_seen
                .is_none_or(|t| at - t >= DEVICE_SEEN_EVERY)
        {
            st.device_seen(s.device.id, at)?;
        }
        Ok(wire::encode_response_to(&resp, &req, dict.as_ref()))
    }

    /// Checks and applies a request of `who` and answers it — the gate every change passes.
    pub fn apply(
        &self,
        req: &zhurnal_sync::SyncRequest,
        who: &Principal,
        via: &str,
    ) -> Result<zhurnal_sync::SyncResponse> {
        Ok(self.apply_audited(req, who, via)?.0)
    }

    /// [`SchoolServer::apply`], also returning the audit records of the accepted changes.
    pub fn apply_audited(
        &self,
        req: &zhurnal_sync::SyncRequest,
        who: &Principal,
        via: &str,
    ) -> Result<(zhurnal_sync::SyncResponse, Vec<crate::storage::AuditRecord>)> {
        let mut st = self.storage();
        let school = st.school()?;
        self.gate(&mut **st, &school, req, who, via)
    }

    /// [`SchoolServer::apply_audited`] on the locked storage and its school as read.
    pub(super) fn gate(
        &self,
        st: &mut dyn Storage,
        school: &School,
        req: &zhurnal_sync::SyncRequest,
        who: &Principal,
        via: &str,
    ) -> Result<(zhurnal_sync::SyncResponse, Vec<crate::storage::AuditRecord>)> {
        let book = st.actor_book()?;
        // The sync core's check carries its own guards (unknown dependencies, automerge
        // panics): the server, a device's bundle import and the tests all get them.
        let plan = check(req, who, school, &book, st)?;
        let mut audit = Vec::new();
        if !plan.apply.is_empty() {
            audit = st.accept(
                &plan,
                Origin {
                    user: uuid(who.user.as_bytes()),
                    device: who.device.0,
                    via,
                    at: now(),
                },
            )?;
        }
        Ok((respond(req, who, school, st, self.budget), audit))
    }
}
