-- Register search and dynamic adjustment: prefix indexes that work on PGlite and on the server
-- (text_pattern_ops serves LIKE 'x%' in any collation; pg_trgm is not available on PGlite),
-- and the columns the adjustment queue and history need.

CREATE INDEX persons_name_prefix ON persons (county_code, name text_pattern_ops);
CREATE INDEX persons_household_prefix ON persons (county_code, household_no text_pattern_ops);
-- last 4–6 digits of an ID: prefix of the reversed number
CREATE INDEX persons_id_reverse ON persons (county_code, reverse(id_number) text_pattern_ops);
CREATE INDEX persons_village_prefix ON persons (county_code, village_code text_pattern_ops, status);
CREATE INDEX persons_removal ON persons (county_code, removal_date) WHERE status = '已核减';

ALTER TABLE adjustments
  ADD COLUMN entered_by_name text NOT NULL DEFAULT '',
  ADD COLUMN decided_by_name text NOT NULL DEFAULT '',
  ADD COLUMN summary         text NOT NULL DEFAULT '',
  ADD COLUMN person_ids      bigint[] NOT NULL DEFAULT '{}',   -- persons concerned (history)
  ADD COLUMN household_nos   text[] NOT NULL DEFAULT '{}',     -- households concerned (history)
  ADD COLUMN townships       text[] NOT NULL DEFAULT '{}',     -- every township the change reaches
  ADD COLUMN warnings        jsonb NOT NULL DEFAULT '[]'::jsonb,
  ADD COLUMN updated_at      timestamptz NOT NULL DEFAULT now();
CREATE INDEX adjustments_entered ON adjustments (county_code, entered_at DESC);
CREATE INDEX adjustment_files_adjustment ON adjustment_files (county_code, adjustment_id);
