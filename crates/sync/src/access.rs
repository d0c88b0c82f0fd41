//! Who may read and write which document — decided by the server from the school document,
//! never trusted from a client.
//!
//! | role | school | roster | personal data | journal |
//! |---|---|---|---|---|
//! | admin | write | write | write | write |
//! | deputy | read | read | — | read |
//! | class teacher (of the class) | read | write | write | read |
//! | subject teacher (of the class and subject) | read | read | — | write |
//! | student, parent | — | — | — | — (they get a computed view of their own child) |
//!
//! Rights add up: a class teacher who also teaches algebra in his class writes its journal.

use zhurnal_domain::{Role, StaffId};
use zhurnal_journal::school::School;
use zhurnal_journal::{DocId, DocKind};

/// What a user may do with a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    None,
    Read,
    Write,
}

/// The access of `user` to `doc` in this school.
pub fn access(school: &School, user: StaffId, doc: DocId) -> Access {
    let Some(staff) = school.staff_member(user) else {
        return Access::None;
    };
    let has = |r: Role| staff.roles.contains(&r);
    if has(Role::Admin) {
        return Access::Write;
    }
    if !(has(Role::Deputy) || has(Role::ClassTeacher) || has(Role::SubjectTeacher)) {
        return Access::None;
    }
    let deputy = if has(Role::Deputy) {
        Access::Read
    } else {
        Access::None
    };
    let class = doc.class().and_then(|c| school.class(c));
    let leads = class.is_some_and(|c| c.class_teacher == Some(user));
    let teaches_class = class.is_some_and(|c| c.subjects.iter().any(|s| s.taught_by(user)));
    let own = match doc.kind {
        DocKind::School => Access::Read,
        DocKind::Roster(_) if leads => Access::Write,
        DocKind::Roster(_) if teaches_class => Access::Read,
        DocKind::Personal(_) if leads => Access::Write,
        DocKind::Journal(_, subject) => {
            let teaches = class
                .and_then(|c| c.teaches(subject))
                .is_some_and(|s| s.taught_by(user));
            if teaches {
                Access::Write
            } else if leads {
                Access::Read
            } else {
                Access::None
            }
        }
        _ => Access::None,
    };
    let deputy = match doc.kind {
        DocKind::Personal(_) => Access::None,
        _ => deputy,
    };
    own.max(deputy)
}
