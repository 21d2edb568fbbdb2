-- Controls (issue 8): separation of duties (不相容岗位分离) and the region of each audit entry.

-- A county with a single officer may let the same user enter and approve. Off by default;
-- changing it is audited (county.controls_update) and every record approved that way says so.
ALTER TABLE counties ADD COLUMN allow_self_approval boolean NOT NULL DEFAULT false;

ALTER TABLE adjustments ADD COLUMN self_approved boolean NOT NULL DEFAULT false;
-- the roll's builder is created_by, or whoever rebuilt the draft last; neither may review it
ALTER TABLE payrolls ADD COLUMN rebuilt_by bigint;
ALTER TABLE payrolls ADD COLUMN self_reviewed boolean NOT NULL DEFAULT false;
ALTER TABLE roster_imports ADD COLUMN self_applied boolean NOT NULL DEFAULT false;
-- the uploader's region when narrower than the county: the import applies only inside it
ALTER TABLE roster_imports ADD COLUMN scope text NOT NULL DEFAULT '';

-- one rule, one severity: an invalid ID is an 错误 in the import as in the quality catalogue (imported as written)
ALTER TABLE roster_import_problems DROP CONSTRAINT roster_import_problems_kind_check;
ALTER TABLE roster_import_problems ADD CONSTRAINT roster_import_problems_kind_check CHECK (kind IN ('rejected', 'corrected', 'error', 'warning'));

-- 转核减 takes its date from the evidence: the death date a DECEASED_PAID / HUKOU_CANCELLED finding rests on
ALTER TABLE findings ADD COLUMN death_date date;
ALTER TABLE cases ADD COLUMN death_date date;

-- The region an audit entry is about, so a township-scoped reader sees only its township's
-- entries. Derived when the entry is written (not part of the hash chain: it is a filter, and
-- the append-only trigger keeps it from being changed afterwards): the entity's village or
-- township (person, household, adjustment, case, recovery item, quality problem, user), else
-- a villageCode in the entry itself, else the acting user's region, else the county.
ALTER TABLE audit_log ADD COLUMN region_code text;

CREATE FUNCTION audit_region_of(etype text, eid text, county text, bef jsonb, aft jsonb, uid bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE r text;
BEGIN
  IF eid ~ '^\d{1,18}$' THEN
    IF etype = 'person' THEN SELECT village_code INTO r FROM persons WHERE county_code = county AND id = eid::bigint;
    ELSIF etype = 'adjustment' THEN SELECT township_code INTO r FROM adjustments WHERE county_code = county AND id = eid::bigint;
    ELSIF etype = 'case' THEN SELECT COALESCE(NULLIF(village_code, ''), NULLIF(township_code, '')) INTO r FROM cases WHERE county_code = county AND id = eid::bigint;
    ELSIF etype = 'recovery' THEN SELECT COALESCE(NULLIF(village_code, ''), NULLIF(township_code, '')) INTO r FROM recovery_items WHERE county_code = county AND id = eid::bigint;
    ELSIF etype = 'quality_problem' THEN SELECT village_code INTO r FROM quality_problems WHERE county_code = county AND id = eid::bigint;
    ELSIF etype = 'user' THEN SELECT region_code INTO r FROM users WHERE id = eid::bigint;
    END IF;
  END IF;
  IF r IS NULL AND etype = 'household' THEN SELECT village_code INTO r FROM households WHERE county_code = county AND household_no = eid; END IF;
  IF r IS NULL OR r = '' THEN r := COALESCE(NULLIF(aft->>'villageCode', ''), NULLIF(bef->>'villageCode', '')); END IF;
  IF (r IS NULL OR r = '') AND uid IS NOT NULL THEN SELECT region_code INTO r FROM users WHERE id = uid; END IF;
  RETURN COALESCE(NULLIF(r, ''), county);
END $$;

CREATE FUNCTION audit_log_region() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.region_code IS NULL THEN
    NEW.region_code := audit_region_of(NEW.entity_type, NEW.entity_id, NEW.county_code, NEW.before, NEW.after, NEW.user_id);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_log_region BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_region();

-- entries written before this migration: the same derivation, once
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
UPDATE audit_log SET region_code = audit_region_of(entity_type, entity_id, county_code, before, after, user_id);
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;

CREATE INDEX audit_region ON audit_log (region_code text_pattern_ops, seq);
