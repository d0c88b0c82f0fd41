-- Zhurnal local store, schema 2: sync bookmarks. Append-only, like every migration.

-- Per peer (a server's URL, a USB bundle's origin) and document: the peer's heads as of the
-- last exchange, i.e. what the peer is known to hold. Written in the same transaction as the
-- changes received with it.
CREATE TABLE sync_bookmarks (
    peer       TEXT NOT NULL,
    doc        TEXT NOT NULL,
    heads      BLOB NOT NULL,            -- concatenated 32-byte change hashes
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (peer, doc)
) WITHOUT ROWID;
