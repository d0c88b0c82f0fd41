//! The class teacher's reports: summary sheets of marks and attendance, attendance by month, student movement, monitoring findings.
