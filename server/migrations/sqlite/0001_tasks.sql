-- Exports and scan tasks created through the portal, and what the tracker needs to follow them.
-- IF NOT EXISTS: databases made before migrations already hold this table.
CREATE TABLE IF NOT EXISTS tasks (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    user_name TEXT NOT NULL,
    domain_id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    region TEXT NOT NULL,
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    params TEXT NOT NULL,
    cloud_task_id TEXT NOT NULL,
    status TEXT NOT NULL,
    failure TEXT,
    note TEXT,
    file_id TEXT,
    file_name TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    finished_at INTEGER,
    next_poll_at INTEGER NOT NULL,
    polls INTEGER NOT NULL DEFAULT 0,
    poll_errors INTEGER NOT NULL DEFAULT 0,
    file_gone INTEGER NOT NULL DEFAULT 0,
    sealed_token TEXT,
    token_expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_by_user ON tasks (domain_id, user_id, created_at DESC);
CREATE INDEX IF NOT EXISTS tasks_due ON tasks (status, next_poll_at);
