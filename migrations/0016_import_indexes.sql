-- Four indexes of persons repeated others or served no query, and every roster import paid a
-- write per row for each: (county_code, household_no) is the head of the unique key
-- (county_code, household_no, id_number); lookups of a name or a village by equality and by
-- prefix are served by the text_pattern_ops indexes on the same columns (0004), which answer =
-- as well; a search by the last digits of an ID reads persons_id_reverse (any number of digits),
-- never right(id_number, 6).
DROP INDEX IF EXISTS persons_household;
DROP INDEX IF EXISTS persons_name;
DROP INDEX IF EXISTS persons_village;
DROP INDEX IF EXISTS persons_id_tail;
