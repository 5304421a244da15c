-- The audit log: who did what, when, from where, and what the cloud said. Rows are only ever
-- inserted; the database itself refuses to change one. Retention pruning deletes rows older
-- than the configured age, and records that it did (src/audit_store.rs).
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    domain_id TEXT NOT NULL,
    domain_name TEXT NOT NULL,
    user_id TEXT NOT NULL,
    user_name TEXT NOT NULL,
    project_id TEXT NOT NULL,
    region TEXT NOT NULL,
    client TEXT NOT NULL,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    target_name TEXT NOT NULL,
    params TEXT NOT NULL,
    result TEXT NOT NULL,
    error_code TEXT,
    cloud_request_id TEXT,
    request_id TEXT NOT NULL,
    session_hash TEXT NOT NULL
);
CREATE INDEX audit_account_at ON audit (domain_name, at);
CREATE INDEX audit_user_at ON audit (domain_id, user_id, at);
CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
