-- Intent first: a create writes its row (status `creating`, no cloud id yet) before the cloud
-- call, under the idempotency key the form sent; `checking` rows wait for the tracker to find
-- out whether the cloud created the task. `claim_until` is how long the creating request owns
-- the row; `export_ref` identifies one DSC export among the job's exports (its start time);
-- `clock_from` starts the give-up clock (at the create, again at a retry).
ALTER TABLE tasks ADD COLUMN export_ref TEXT;
ALTER TABLE tasks ADD COLUMN clock_from INTEGER NOT NULL DEFAULT 0;
UPDATE tasks SET clock_from = created_at;
CREATE INDEX tasks_by_cloud_id ON tasks (domain_id, project_id, kind, cloud_task_id);
CREATE INDEX tasks_finished ON tasks (finished_at) WHERE finished_at IS NOT NULL;

-- One row per (user, key): the same key again answers the task it made, never a second create.
CREATE TABLE task_keys (
    domain_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    key TEXT NOT NULL,
    task_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (domain_id, user_id, key)
);
