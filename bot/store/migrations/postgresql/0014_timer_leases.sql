-- PostgreSQL's text of 0013_timer_leases.sql: the same columns and lease index, and the due index in
-- claim order. A claim takes the oldest due rows, ORDER BY due_at, id: SQLite's index on due_at holds the
-- rowid (the id) after it, so it is read in that order; PostgreSQL's does not, and without (due_at, id) a
-- claim would sort every due row to take a hundred of them, a backlog's worth at every claim.
ALTER TABLE timers ADD COLUMN claimed_by TEXT;
ALTER TABLE timers ADD COLUMN lease_until TEXT;
CREATE INDEX timers_leases ON timers (lease_until) WHERE state = 'running';
CREATE INDEX timers_due_order ON timers (due_at, id) WHERE state IN ('pending', 'running');
