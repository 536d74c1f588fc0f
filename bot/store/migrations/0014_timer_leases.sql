-- Timers across processes: a claim is a lease. The process that claims a due timer writes its id and
-- the time its claim lapses; it renews the lease while the handler runs. A claim whose lease has lapsed
-- (its process was killed mid-fire) is claimed again by whichever process is alive.
-- Rows left 'running' by a filmbot before this migration have no lease: they are retried at once.
ALTER TABLE timers ADD COLUMN claimed_by TEXT;
ALTER TABLE timers ADD COLUMN lease_until TEXT;
-- The claims in flight, soonest lapse first: what a dispatcher waits for besides the next due timer.
CREATE INDEX timers_leases ON timers (lease_until) WHERE state = 'running';
