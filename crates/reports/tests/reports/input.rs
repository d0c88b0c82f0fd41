//! The shared input of the class documents, as the demo fixture fills it.

use crate::fixtures;
use zhurnal_domain::PeriodScheme;

#[test]
fn the_demo_journal_of_7b_is_complete() {
    let j = fixtures::journal(1, 7, "Б");
    assert_eq!(j.class.name(), "7Б");
    assert_eq!(j.scheme(), PeriodScheme::Quarters);
    assert_eq!(j.students.len(), 32);
    assert!(j
        .subjects
        .windows(2)
        .all(|w| w[0].subject.order <= w[1].subject.order));
    let ids: std::collections::BTreeSet<_> = j.students.iter().map(|s| s.id).collect();
    for s in &j.subjects {
        assert!(!s.teacher.is_empty(), "{} has a teacher", s.subject.name);
        for l in &s.lessons {
            assert!(l
                .marks
                .keys()
                .chain(l.attendance.keys())
                .all(|id| ids.contains(id)));
            assert!(!j.staff_name(l.teacher).is_empty());
        }
    }
    assert!(!j.director.is_empty());
}
