-- Zhurnal local store, schema 5: the server's ledger mark per peer. Append-only, like every
-- migration.

-- Per peer (a server's URL): the server's ledger mark of the last complete answer this store
-- applied. A hint only: the server checks a request's folded documents against it, and a
-- mark that is wrong makes the request be sent again in full, never lost.
CREATE TABLE sync_marks (
    peer       TEXT PRIMARY KEY,
    mark       INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
