//! The weekly timetable of a class: Monday to Friday, the week's hours spread evenly over the
//! days, a subject at most once a day unless it has more hours than days, and no teacher in two
//! classes at once (the classes are scheduled one after another against the slots their
//! teachers already hold).

use crate::DemoRng;
use rand::seq::{IndexedRandom, SliceRandom};
use std::collections::BTreeSet;
use zhurnal_domain::{StaffId, SubjectId, TimetableSlot};

/// What a class needs scheduled for one subject.
pub(crate) struct Need {
    pub subject: SubjectId,
    pub hours: u8,
    /// Everyone teaching in the slot (both subgroup teachers of a split subject).
    pub teachers: Vec<StaffId>,
    pub split: bool,
}

/// Slots already taken by a teacher: (teacher, weekday, number).
pub(crate) type Busy = BTreeSet<(StaffId, u8, u8)>;

const DAYS: usize = 5;
const MAX_PER_DAY: usize = 8;

/// The number of lessons on each weekday, longest days in the middle of the week.
fn day_lengths(total: usize) -> [usize; DAYS] {
    let mut len = [total / DAYS; DAYS];
    // Tuesday, Wednesday, Thursday, Monday, Friday.
    for &d in [1usize, 2, 3, 0, 4].iter().take(total % DAYS) {
        len[d] += 1;
    }
    len
}

/// How strictly a fill attempt keeps the rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Strictness {
    /// No teacher double-booked, subjects spread over the week.
    Full,
    /// Teachers may be double-booked (a last resort for unusual option sets).
    NoTeachers,
    /// Anything fits anywhere.
    Loose,
}

/// Builds the timetables of all classes (`needs[c]` is what class `c` needs). The hardest
/// classes (most hours) go first; when a class cannot be fitted around the teachers' other
/// classes, the whole school starts again. Only if that keeps failing (an unusual option set
/// with too few teachers) are teachers allowed into two classes at once.
pub(crate) fn build_all(rng: &mut DemoRng, needs: &[Vec<Need>]) -> Vec<Vec<TimetableSlot>> {
    let lens: Vec<[usize; DAYS]> = needs
        .iter()
        .map(|n| {
            let total: usize = n.iter().map(|x| x.hours as usize).sum();
            let len = day_lengths(total);
            assert!(
                len.iter().all(|&l| l <= MAX_PER_DAY),
                "{total} hours do not fit a five-day week"
            );
            len
        })
        .collect();
    let mut order: Vec<usize> = (0..needs.len()).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(lens[c].iter().sum::<usize>()));
    for _ in 0..40 {
        let mut busy = Busy::new();
        let mut grids: Vec<Option<Grid>> = vec![None; needs.len()];
        let mut complete = true;
        for &c in &order {
            let grid =
                (0..60).find_map(|_| try_fill(rng, &needs[c], &lens[c], &busy, Strictness::Full));
            match grid {
                Some(g) => {
                    occupy(&g, &needs[c], &mut busy);
                    grids[c] = Some(g);
                }
                None => {
                    complete = false;
                    break;
                }
            }
        }
        if complete {
            return grids
                .iter()
                .zip(needs)
                .map(|(g, n)| slots_of(&g.expect("filled"), n))
                .collect();
        }
    }
    let mut busy = Busy::new();
    let mut out = vec![Vec::new(); needs.len()];
    for &c in &order {
        let mut grid = None;
        'ladder: for strictness in [Strictness::Full, Strictness::NoTeachers, Strictness::Loose] {
            for _ in 0..200 {
                if let Some(g) = try_fill(rng, &needs[c], &lens[c], &busy, strictness) {
                    grid = Some(g);
                    break 'ladder;
                }
            }
        }
        let grid = grid.expect("a loose fill always succeeds");
        occupy(&grid, &needs[c], &mut busy);
        out[c] = slots_of(&grid, &needs[c]);
    }
    out
}

/// Marks the teachers of a filled grid busy.
fn occupy(grid: &Grid, needs: &[Need], busy: &mut Busy) {
    for (d, day) in grid.iter().enumerate() {
        for (n, cell) in day.iter().enumerate() {
            if let Some(i) = *cell {
                for t in &needs[i].teachers {
                    busy.insert((*t, d as u8 + 1, n as u8 + 1));
                }
            }
        }
    }
}

/// The slots of a filled grid: two per cell (subgroups 1 and 2) for a split subject.
fn slots_of(grid: &Grid, needs: &[Need]) -> Vec<TimetableSlot> {
    let mut slots = Vec::new();
    for (d, day) in grid.iter().enumerate() {
        for (n, cell) in day.iter().enumerate() {
            let Some(i) = *cell else { continue };
            let need = &needs[i];
            let (weekday, number) = (d as u8 + 1, n as u8 + 1);
            let groups: &[Option<u8>] = if need.split {
                &[Some(1), Some(2)]
            } else {
                &[None]
            };
            for &subgroup in groups {
                slots.push(TimetableSlot {
                    weekday,
                    number,
                    subject: need.subject,
                    subgroup,
                });
            }
        }
    }
    slots
}

type Grid = [[Option<usize>; MAX_PER_DAY]; DAYS];

/// One randomized most-constrained-first fill; `None` when it paints itself into a corner.
fn try_fill(
    rng: &mut DemoRng,
    needs: &[Need],
    len: &[usize; DAYS],
    busy: &Busy,
    strictness: Strictness,
) -> Option<Grid> {
    let mut grid: Grid = [[None; MAX_PER_DAY]; DAYS];
    let mut remaining: Vec<u8> = needs.iter().map(|n| n.hours).collect();
    let mut per_day = vec![[0u8; DAYS]; needs.len()];
    let mut order: Vec<usize> = (0..needs.len()).collect();
    order.shuffle(rng);
    loop {
        let mut best: Option<(usize, Vec<(usize, usize)>)> = None;
        for &i in &order {
            if remaining[i] == 0 {
                continue;
            }
            let max_day = (needs[i].hours as usize).div_ceil(DAYS) as u8;
            let mut cells = Vec::new();
            for d in 0..DAYS {
                if strictness != Strictness::Loose && per_day[i][d] >= max_day {
                    continue;
                }
                for (n, cell) in grid[d].iter().enumerate().take(len[d]) {
                    if cell.is_some() {
                        continue;
                    }
                    if strictness == Strictness::Full
                        && needs[i]
                            .teachers
                            .iter()
                            .any(|t| busy.contains(&(*t, d as u8 + 1, n as u8 + 1)))
                    {
                        continue;
                    }
                    cells.push((d, n));
                }
            }
            if best.as_ref().is_none_or(|(_, b)| cells.len() < b.len()) {
                best = Some((i, cells));
            }
        }
        let Some((i, cells)) = best else {
            return Some(grid);
        };
        if cells.is_empty() {
            return None;
        }
        // Spread a subject over the week: prefer days that do not have it yet.
        let fresh: Vec<(usize, usize)> = cells
            .iter()
            .copied()
            .filter(|(d, _)| per_day[i][*d] == 0)
            .collect();
        let pool = if fresh.is_empty() { &cells } else { &fresh };
        let &(d, n) = pool.choose(rng).expect("non-empty");
        grid[d][n] = Some(i);
        per_day[i][d] += 1;
        remaining[i] -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_lengths_spread_the_week() {
        assert_eq!(day_lengths(23), [4, 5, 5, 5, 4]);
        assert_eq!(day_lengths(32), [6, 7, 7, 6, 6]);
        assert_eq!(day_lengths(30), [6; 5]);
    }
}
