-- imgpipe store-sql schema, PostgreSQL. Times are microseconds since 1970-01-01T00:00:00Z (UTC):
-- to_timestamp(created_at / 1e6) shows one.

CREATE TABLE imgpipe_requests (
    seq                     BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- creation order
    id                      TEXT    NOT NULL UNIQUE,     -- the public request id
    created_at              BIGINT  NOT NULL,
    product_count           INTEGER NOT NULL,
    image_count             INTEGER NOT NULL,
    task_count              INTEGER NOT NULL,
    last_served             BIGINT  NOT NULL DEFAULT 0,  -- serve order of its last claim; 0: never served
    finished_at             BIGINT,                      -- set once, by finishIfDone
    final_status            TEXT CHECK (final_status IN ('completed', 'failed')),
    notification_state      TEXT CHECK (notification_state IN ('open', 'sent')),
    notification_owner      TEXT,
    notification_expires_at BIGINT,
    notified_at             BIGINT
);

-- the serve order of claims, shared by every process
CREATE SEQUENCE imgpipe_serve_order;

-- claim: open requests, least recently served first (never served: 0, in creation order)
CREATE INDEX imgpipe_requests_claim_order ON imgpipe_requests (last_served, seq) WHERE finished_at IS NULL;
-- claimNotifications: open notifications by expiry
CREATE INDEX imgpipe_requests_notifications ON imgpipe_requests (notification_expires_at)
    WHERE notification_state = 'open';
-- listing requests newest first
-- listing requests newest first; ids compare as bytes (String.compareTo for ASCII), whatever the database's collation
CREATE INDEX imgpipe_requests_created ON imgpipe_requests (created_at, id COLLATE "C");

CREATE TABLE imgpipe_request_metadata (
    request_seq BIGINT NOT NULL,
    name        TEXT   NOT NULL,
    value       TEXT   NOT NULL,
    PRIMARY KEY (request_seq, name)
);

-- Image counts by status (and open/failed task counts) per request, kept up to date by every task
-- write in the same transaction, so progress is read without scanning the request's tasks. Each
-- write adds its change to one of 16 slots picked at random, so concurrent workers seldom wait
-- for each other's row lock; the counts of a request are the sums over its slots.
CREATE TABLE imgpipe_request_counts (
    request_seq  BIGINT   NOT NULL,
    slot         SMALLINT NOT NULL,
    pending      INTEGER  NOT NULL DEFAULT 0,
    processing   INTEGER  NOT NULL DEFAULT 0,
    completed    INTEGER  NOT NULL DEFAULT 0,
    failed       INTEGER  NOT NULL DEFAULT 0,
    open_tasks   INTEGER  NOT NULL DEFAULT 0,
    failed_tasks INTEGER  NOT NULL DEFAULT 0,
    PRIMARY KEY (request_seq, slot)
);

CREATE TABLE imgpipe_products (
    request_seq   BIGINT  NOT NULL,
    row_index     INTEGER NOT NULL,
    serial_number BIGINT  NOT NULL,
    name          TEXT    NOT NULL,
    PRIMARY KEY (request_seq, row_index)
);

CREATE TABLE imgpipe_images (
    request_seq BIGINT  NOT NULL,
    row_index   INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    task_no     INTEGER NOT NULL,
    url         TEXT,                                    -- NULL: the same as its task's URL
    PRIMARY KEY (request_seq, row_index, position)
);

CREATE TABLE imgpipe_tasks (
    request_seq      BIGINT  NOT NULL,
    task_no          INTEGER NOT NULL,                   -- creation order within the request
    task_id          TEXT    NOT NULL,
    url              TEXT    NOT NULL,
    output_key       TEXT    NOT NULL,
    image_count      INTEGER NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    abandoned        INTEGER NOT NULL DEFAULT 0,
    available_at     BIGINT,                             -- claimable from; NULL once completed or failed
    lease_owner      TEXT,
    lease_token      TEXT,
    lease_expires_at BIGINT,
    error            TEXT,
    output_url       TEXT,
    source_bytes     BIGINT  NOT NULL DEFAULT 0,
    output_bytes     BIGINT  NOT NULL DEFAULT 0,
    width            INTEGER NOT NULL DEFAULT 0,
    height           INTEGER NOT NULL DEFAULT 0,
    finished_at      BIGINT,
    PRIMARY KEY (request_seq, task_no)
);

-- claim: a request's next claimable task in creation order; only open tasks are in it
CREATE INDEX imgpipe_tasks_claimable ON imgpipe_tasks (request_seq, task_no, available_at)
    WHERE available_at IS NOT NULL;
