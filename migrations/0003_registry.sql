-- Roster imports (FORMATS.md §1): the uploaded file, its preview, and the rows a user must see
-- (added, changed with before/after, rejected / corrected / warned). An import is previewed
-- first and applied later, from the stored file, in one transaction.

CREATE TABLE roster_imports (
  id            text PRIMARY KEY,                 -- uuid
  county_code   text NOT NULL DEFAULT '',         -- the importing user's county ('' = every county in the file)
  filename      text NOT NULL DEFAULT '',
  format        text NOT NULL DEFAULT '',         -- csv / xlsx
  encoding      text NOT NULL DEFAULT '',
  size          integer NOT NULL DEFAULT 0,
  sha256        text NOT NULL,
  content       bytea NOT NULL,
  status        text NOT NULL DEFAULT 'uploaded'
                CHECK (status IN ('uploaded', 'previewing', 'previewed', 'applying', 'applied', 'failed')),
  error         text NOT NULL DEFAULT '',
  summary       jsonb,                            -- counts and file-level warnings
  job_id        text,
  created_by    bigint,
  created_at    timestamptz NOT NULL DEFAULT now(),
  applied_by    bigint,
  applied_at    timestamptz
);
CREATE INDEX roster_imports_county ON roster_imports (county_code, created_at);

-- what the preview found, row by row (unchanged rows are only counted)
CREATE TABLE roster_import_rows (
  import_id     text NOT NULL REFERENCES roster_imports (id) ON DELETE CASCADE,
  seq           integer NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('add', 'change')),
  row_number    integer NOT NULL,
  county_code   text NOT NULL,
  household_no  text NOT NULL,
  id_number     text NOT NULL,
  name          text NOT NULL,
  village_code  text NOT NULL DEFAULT '',
  status        text NOT NULL DEFAULT '',
  changes       jsonb,                            -- [{field, column, before, after}] for 'change'
  PRIMARY KEY (import_id, seq)
);
CREATE INDEX roster_import_rows_kind ON roster_import_rows (import_id, kind, seq);

-- rejected, corrected and warned cells, downloadable as xlsx
CREATE TABLE roster_import_problems (
  import_id     text NOT NULL REFERENCES roster_imports (id) ON DELETE CASCADE,
  seq           integer NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('rejected', 'corrected', 'warning')),
  row_number    integer NOT NULL,
  column_name   text NOT NULL,
  value         text NOT NULL DEFAULT '',
  reason        text NOT NULL,
  PRIMARY KEY (import_id, seq)
);
CREATE INDEX roster_import_problems_kind ON roster_import_problems (import_id, kind, seq);
