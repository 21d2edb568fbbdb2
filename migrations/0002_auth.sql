-- System state kept by the program itself: first start done, demo county loaded, etc.
CREATE TABLE system_state (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX audit_user ON audit_log (user_id, seq);
CREATE INDEX audit_action ON audit_log (action, seq);
CREATE INDEX sessions_expires ON sessions (expires_at);
