// The view types of the command contract (docs/app-commands.md). They are generated from the
// Rust types of `zhurnal_service::view` into ./bindings/ by ts-rs (the shell's tests fail when
// the committed files drift from Rust); the UI imports them only from here. The unions below
// name the values the UI knows of fields that are plain strings on the wire.

export type { Access } from "./bindings/Access";
export type { AppCode } from "./bindings/AppCode";
export type { AppError } from "./bindings/AppError";
import type { AppCode } from "./bindings/AppCode";
export type { AppState } from "./bindings/AppState";
export type { BundleResult } from "./bindings/BundleResult";
export type { CellResult } from "./bindings/CellResult";
export type { CellView } from "./bindings/CellView";
export type { ConflictValue } from "./bindings/ConflictValue";
export type { ConflictView } from "./bindings/ConflictView";
export type { FinalView } from "./bindings/FinalView";
export type { Finding } from "./bindings/Finding";
export type { GridView } from "./bindings/GridView";
export type { ImportResult } from "./bindings/ImportResult";
export type { JournalRef } from "./bindings/JournalRef";
export type { LessonEdit } from "./bindings/LessonEdit";
export type { LessonView } from "./bindings/LessonView";
export type { MovementEdit } from "./bindings/MovementEdit";
export type { MovementEntry } from "./bindings/MovementEntry";
export type { MovementView } from "./bindings/MovementView";
export type { ParentView } from "./bindings/ParentView";
export type { PendingDoc } from "./bindings/PendingDoc";
export type { Period } from "./bindings/Period";
export type { PersonalRow } from "./bindings/PersonalRow";
export type { PersonalView } from "./bindings/PersonalView";
export type { Profile } from "./bindings/Profile";
export type { ReportProgress } from "./bindings/ReportProgress";
export type { ReportRequest } from "./bindings/ReportRequest";
export type { ReportResult } from "./bindings/ReportResult";
export type { RosterStudent } from "./bindings/RosterStudent";
export type { RosterView } from "./bindings/RosterView";
export type { Undone } from "./bindings/Undone";
export type { SchoolFile } from "./bindings/SchoolFile";
export type { StaffView } from "./bindings/StaffView";
export type { StudentRow } from "./bindings/StudentRow";
export type { SyncProgress } from "./bindings/SyncProgress";
export type { SyncStatus } from "./bindings/SyncStatus";
export type { WeekDay } from "./bindings/WeekDay";
export type { WeekLesson } from "./bindings/WeekLesson";
export type { WeekView } from "./bindings/WeekView";

/** `Profile.roles`, `StaffView.roles`. */
export type Role = "admin" | "deputy" | "subject_teacher" | "class_teacher" | "student" | "parent";

/** `AppError.code`: the union generated from `zhurnal_service::view::AppCode`. */
export type ErrorCode = AppCode;

/** `MovementView.kind`, `MovementEdit.kind`. */
export type MovementKind = "arrival" | "departure" | "transfer";

/** `Finding.kind`. */
export type FindingKind = "no_marks" | "no_topic" | "no_attendance" | "absence_to_confirm";

/** `ReportRequest.kind`: the command line's document names, generated from
 * `zhurnal_service::ReportKind`. */
export type { ReportKind } from "./bindings/ReportKind";
