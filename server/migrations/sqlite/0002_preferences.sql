-- What a user keeps between visits (the container export's column set), per user and name.
CREATE TABLE IF NOT EXISTS preferences (
    user_key TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (user_key, name)
);
