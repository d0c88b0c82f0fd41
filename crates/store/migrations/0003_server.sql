-- Zhurnal store, schema 3: the school server's tables. Append-only, like every migration.
-- A device's store never writes them; the server's documents are the same `docs`/`chunks`.

-- Accounts. A staff member's user id is his StaffId (the author of his changes), a student's
-- his StudentId; a parent gets an id of his own. Only argon2id hashes of passwords are kept.
CREATE TABLE srv_users (
    id            BLOB PRIMARY KEY,          -- 16 bytes
    login         TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,             -- staff | student | parent
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,             -- PHC string, argon2id
    must_change   INTEGER NOT NULL DEFAULT 0,-- a one-time password: change it first
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER
) WITHOUT ROWID;

-- The students an account sees: a student himself, a parent his children.
CREATE TABLE srv_user_students (
    user    BLOB NOT NULL REFERENCES srv_users(id),
    student BLOB NOT NULL,
    class   BLOB NOT NULL,
    PRIMARY KEY (user, student)
) WITHOUT ROWID;

-- Enrolled devices: the SHA-256 of the bearer token (never the token) and the Ed25519 public
-- key that signs the device's USB bundles.
CREATE TABLE srv_devices (
    id         BLOB PRIMARY KEY,
    user       BLOB NOT NULL REFERENCES srv_users(id),
    name       TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    public_key BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER,
    revoked_at INTEGER
) WITHOUT ROWID;

-- Every automerge actor the server has seen, bound to the user and device that first sent it
-- (the nil device is the server itself: an admin's revert).
CREATE TABLE srv_actors (
    actor    BLOB PRIMARY KEY,
    user     BLOB NOT NULL,
    device   BLOB NOT NULL,
    bound_at INTEGER NOT NULL
) WITHOUT ROWID;

-- The audit ledger: one row per accepted change, written in the transaction that applies it.
CREATE TABLE srv_audit (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    doc         TEXT NOT NULL,
    hash        BLOB NOT NULL,
    actor       BLOB NOT NULL,
    user        BLOB NOT NULL,
    device      BLOB NOT NULL,
    received_at INTEGER NOT NULL,            -- unix seconds, the server's clock
    via         TEXT NOT NULL                -- sync | bundle | revert | import
);
CREATE INDEX srv_audit_doc ON srv_audit(doc, seq);
CREATE INDEX srv_audit_user ON srv_audit(user, received_at);

-- Requests refused because their device or user was revoked: kept, never applied.
CREATE TABLE srv_quarantine (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    user        BLOB,
    device      BLOB,
    received_at INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    body        BLOB NOT NULL
);
