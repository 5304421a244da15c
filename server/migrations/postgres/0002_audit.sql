-- The audit log, as in migrations/sqlite/0005_audit.sql: rows are only ever inserted, and the
-- database refuses to change one.
CREATE TABLE audit (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
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
CREATE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
