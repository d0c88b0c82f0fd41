-- Zhurnal local store, schema 1. Append-only: never edit a migration that has shipped;
-- add the next file instead (the test `migrations_are_append_only` pins this one).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per document: its latest compacted snapshot (automerge `save`).
CREATE TABLE docs (
    id         TEXT PRIMARY KEY,          -- "2025/journal/<class>/<subject>"
    kind       TEXT NOT NULL,             -- school | roster | personal | journal
    snapshot   BLOB NOT NULL,
    updated_at INTEGER NOT NULL           -- unix seconds
);

-- Incremental changes since the snapshot (automerge `save_after`), in order. A chunk is
-- deleted only in the transaction that writes a snapshot containing it.
CREATE TABLE chunks (
    seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    doc  TEXT NOT NULL REFERENCES docs(id),
    data BLOB NOT NULL
);
CREATE INDEX chunks_doc ON chunks(doc, seq);

-- This device's automerge actor for each author who edits here.
CREATE TABLE actors (
    author TEXT PRIMARY KEY,
    actor  BLOB NOT NULL
);

-- Projections: derived from the documents, rebuilt from them at any time. Ids are the
-- 16 bytes of the UUIDs; `doc` is a small integer standing for a document id.
CREATE TABLE p_docs (
    n       INTEGER PRIMARY KEY,
    id      TEXT NOT NULL UNIQUE,
    kind    TEXT NOT NULL,
    class   BLOB,
    subject BLOB
);
CREATE TABLE p_subjects (
    subject BLOB PRIMARY KEY,
    name    TEXT NOT NULL,
    ord     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE p_classes (
    class  BLOB PRIMARY KEY,
    name   TEXT NOT NULL,
    grade  INTEGER NOT NULL,
    letter TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE p_students (
    doc        INTEGER NOT NULL,
    student    BLOB NOT NULL,
    last       TEXT NOT NULL,
    first      TEXT NOT NULL,
    middle     TEXT NOT NULL,
    birth_date TEXT,
    arrived    TEXT,
    left_on    TEXT,
    PRIMARY KEY (doc, student)
) WITHOUT ROWID;
CREATE TABLE p_lessons (
    doc              INTEGER NOT NULL,
    lesson           BLOB NOT NULL,
    date             TEXT NOT NULL,
    number           INTEGER NOT NULL,
    subgroup         INTEGER,
    topic            TEXT NOT NULL,
    homework         TEXT NOT NULL,
    teacher          BLOB,
    attendance_taken INTEGER NOT NULL,
    PRIMARY KEY (doc, lesson)
) WITHOUT ROWID;
CREATE INDEX p_lessons_date ON p_lessons(doc, date);
CREATE TABLE p_marks (
    doc     INTEGER NOT NULL,
    lesson  BLOB NOT NULL,
    student BLOB NOT NULL,
    pos     INTEGER NOT NULL,
    value   TEXT NOT NULL,
    work    TEXT,
    weight  INTEGER,
    PRIMARY KEY (doc, lesson, student, pos)
) WITHOUT ROWID;
CREATE TABLE p_attendance (
    doc     INTEGER NOT NULL,
    lesson  BLOB NOT NULL,
    student BLOB NOT NULL,
    code    TEXT NOT NULL,
    PRIMARY KEY (doc, lesson, student)
) WITHOUT ROWID;
CREATE TABLE p_finals (
    doc     INTEGER NOT NULL,
    student BLOB NOT NULL,
    kind    TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (doc, student, kind)
) WITHOUT ROWID;
