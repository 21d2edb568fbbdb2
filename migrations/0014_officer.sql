-- Name search by pinyin (全拼 zhangsan, 首字母 zs): kept beside the name, filled by the program
-- (pinyin-pro, surnames read as surnames) for rows whose value is missing. A change of name
-- clears them, so a renamed person is never found under the old reading.
ALTER TABLE persons ADD COLUMN name_pinyin text;
ALTER TABLE persons ADD COLUMN name_initials text;
CREATE INDEX persons_name_pinyin ON persons (county_code, name_pinyin text_pattern_ops);
CREATE INDEX persons_name_initials ON persons (county_code, name_initials text_pattern_ops);
CREATE INDEX persons_pinyin_missing ON persons (county_code, id) WHERE name_pinyin IS NULL;

CREATE FUNCTION persons_clear_pinyin() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.name IS DISTINCT FROM OLD.name THEN
    NEW.name_pinyin := NULL;
    NEW.name_initials := NULL;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER persons_clear_pinyin BEFORE UPDATE OF name ON persons
  FOR EACH ROW EXECUTE FUNCTION persons_clear_pinyin();

-- One person's payments on the person page: live and successful lines are found through the
-- unique (county, period, ID) indexes; failed lines (about 1 in 100) through this small one.
CREATE INDEX payment_lines_failed_id ON payment_lines (county_code, id_number) WHERE result = 'failure';
