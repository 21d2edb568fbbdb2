-- Safety: growing delay for administrator lock-outs, the keyed audit chain, upload retention.

-- consecutive lock-outs of an account (reset by a successful login or an unlock): an
-- administrator's lock grows with it (1, 2, 4, then 5 minutes at most), never a hard lock
ALTER TABLE users ADD COLUMN lock_level integer NOT NULL DEFAULT 0;

-- entries from keyed_from on are chained with HMAC-SHA256 under the key kept outside the
-- database (audit.key); entries before it keep their plain sha256 links (verified the old way)
ALTER TABLE audit_head ADD COLUMN keyed_from bigint;

-- uploaded files are kept for a retention period (ANJU_UPLOAD_RETENTION_DAYS, default 30), then
-- their bytes are cleared by the nightly job; the record of the upload stays
ALTER TABLE roster_imports ADD COLUMN content_pruned_at timestamptz;
ALTER TABLE crosscheck_inputs ADD COLUMN content_pruned_at timestamptz;
