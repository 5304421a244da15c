-- Cluster mode's durable state: the task history (with intents and idempotency keys) and user
-- preferences, as in the embedded SQLite schema (migrations/sqlite), in one step.
CREATE TABLE tasks (
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
    export_ref TEXT,
    status TEXT NOT NULL,
    failure TEXT,
    note TEXT,
    file_id TEXT,
    file_name TEXT,
    created_at BIGINT NOT NULL,
    clock_from BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    finished_at BIGINT,
    next_poll_at BIGINT NOT NULL,
    polls BIGINT NOT NULL DEFAULT 0,
    poll_errors BIGINT NOT NULL DEFAULT 0,
    file_gone BOOLEAN NOT NULL DEFAULT FALSE,
    sealed_token TEXT,
    token_expires_at BIGINT NOT NULL
);
CREATE INDEX tasks_by_user ON tasks (domain_id, user_id, created_at DESC);
CREATE INDEX tasks_due ON tasks (status, next_poll_at);
CREATE INDEX tasks_by_cloud_id ON tasks (domain_id, project_id, kind, cloud_task_id);
CREATE INDEX tasks_finished ON tasks (finished_at) WHERE finished_at IS NOT NULL;

CREATE TABLE task_keys (
    domain_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    key TEXT NOT NULL,
    task_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (domain_id, user_id, key)
);

CREATE TABLE preferences (
    user_key TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (user_key, name)
);
