-- Whose session a row is, copied from its record's sign-in when it is written, so the sessions
-- page finds a user's (or an account's) sessions without opening every record.
ALTER TABLE sessions ADD COLUMN domain_id TEXT;
ALTER TABLE sessions ADD COLUMN user_id TEXT;
CREATE INDEX sessions_by_owner ON sessions (domain_id, user_id);
