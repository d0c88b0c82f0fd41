//! Documents for parents: the extract (выписка) for one student and period, the information letter, and the access-credential slips.
