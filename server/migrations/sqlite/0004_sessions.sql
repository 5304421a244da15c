-- Sessions in a table of the portal's own: only a create inserts, a save updates a row that
-- still exists (src/sessions.rs), so an ended or rotated session cannot be written back. The
-- table of tower-sessions' own store, used before, goes (its sessions sign in again once).
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expiry_date INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry_date);
DROP TABLE IF EXISTS tower_sessions;
