-- Zhurnal local store: the device's profile. Append-only, like every migration.

-- A device enrolled with a school server (`zhurnal login`): at most one row. The token and the
-- device's Ed25519 secret key live only here, in the device's own file.
CREATE TABLE device_profile (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    server        TEXT NOT NULL,            -- base URL, e.g. "http://school.local:8080"
    login         TEXT NOT NULL,
    user_id       TEXT NOT NULL,            -- uuid: a staff member's id is his automerge author
    user_name     TEXT NOT NULL,
    roles         TEXT NOT NULL,            -- comma-separated, as the server named them
    device_id     TEXT NOT NULL,            -- uuid given by the server
    device_name   TEXT NOT NULL,
    token         TEXT NOT NULL,
    device_key    BLOB NOT NULL,            -- Ed25519 secret key (32 bytes)
    enrolled_at   INTEGER NOT NULL,         -- unix seconds
    last_sync_at  INTEGER,                  -- last successful sync
    last_error    TEXT,                     -- the last failed sync's message, cleared on success
    last_error_at INTEGER
);
