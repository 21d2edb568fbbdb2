// The set-based computation of a payment roll: FORMATS.md §5 in SQL, so a roll of millions is
// built inside the database. It must give exactly what `entitlementFor` gives for every
// person; payroll-build.test.ts checks that on random people.
import { sql, type RawBuilder } from 'kysely';
import type { Period } from '../shared/periods.ts';
import { payrollRosterSource } from '../registry/index.ts';
import type { SubsidySettings } from './settings.ts';

/**
 * year * 12 + month of a date (January of year 0 is 1). date_part (double precision), not
 * extract (numeric since PostgreSQL 14): at 2 000 000 rows the numeric arithmetic alone cost seconds.
 */
const yearMonth = (d: string) => sql.raw(`(date_part('year', (${d})::timestamp) * 12 + date_part('month', (${d})::timestamp))::int`);

/** One register row with its entitlement for a period: the rows of `entitlementRowsQuery`. */
export interface EntitlementRow {
  person_id: number;
  id_number: string;
  id_valid: boolean;
  name: string;
  household_no: string;
  village_code: string;
  township_name: string;
  village_name: string;
  status: string;
  removal_date: string | null;
  support_start: string | null;
  end_used: string | null;
  /** why the row gets nothing (no-start, removal-nodate, removal, term), or null when it is paid */
  excluded_by: 'no-start' | 'removal-nodate' | 'removal' | 'term' | null;
  /** register rows with the same normalised ID */
  dup_count: number;
  account_source: 'own' | 'head' | 'none';
  months: number;
  amount_fen: number;
  account_no: string;
  bank_name: string;
  holder_name: string;
  flags: string[];
}

/** One row per register row (not yet one per person): see EntitlementRow. */
export function entitlementRowsQuery(countyCode: string, period: Period, s: SubsidySettings): RawBuilder<EntitlementRow> {
  const pf = period.year * 12 + period.months[0] - 1;
  const pl = period.year * 12 + period.months[period.months.length - 1] - 1;
  // whole months of the period inside the term: from the first whole month of the term (`sm`) to
  // its last (`em`), each a month index (year * 12 + month - 1) computed once a row in `m`
  const monthsRaw = sql`greatest(0, least(m.em, ${pl}::int) - greatest(m.sm, ${pf}::int) + 1)`;
  return sql<EntitlementRow>`
    WITH t AS (
      SELECT src.*,
        CASE WHEN src.support_end IS NOT NULL THEN src.support_end
             WHEN src.support_start IS NOT NULL THEN (src.support_start + make_interval(years => ${s.termYears}::int))::date - 1 END AS end_used
      FROM ${payrollRosterSource(countyCode)} src
      OFFSET 0 -- a fence: end_used is computed once a row, not again at each of its uses below
    ), m AS (
      -- the last whole month ends on end_used or before: the month before the one of end_used + 1;
      -- the first whole month starts on support_start or after: the month after the one of support_start - 1
      SELECT t.*, ${yearMonth('t.end_used + 1')} - 2 AS em, ${yearMonth('t.support_start - 1')} AS sm
      FROM t
      OFFSET 0
    ), c AS (
      SELECT m.*,
        CASE
          WHEN m.support_start IS NULL THEN 'no-start'
          WHEN m.status = '已核减' AND m.removal_date IS NULL THEN 'removal-nodate'
          WHEN m.status = '已核减' AND m.removal_date <= ${period.first}::date THEN 'removal'
          WHEN m.end_used < ${period.first}::date OR m.support_start > ${period.last}::date OR m.end_used < m.support_start THEN 'term'
          -- no whole month of the period inside the term: outside it (FORMATS §6 precise readings)
          WHEN ${monthsRaw} = 0 THEN 'term'
        END AS excluded_by,
        ${monthsRaw} AS months_raw,
        CASE WHEN m.own_account_no <> '' THEN 'own'
             WHEN ${s.accountFallback}::text = 'head' AND m.head_account_no <> '' THEN 'head' ELSE 'none' END AS account_source
      FROM m
      OFFSET 0
    )
    SELECT c.person_id, c.id_number, c.id_valid, c.name, c.household_no, c.village_code, c.township_name, c.village_name, c.status, c.removal_date,
      c.support_start, c.end_used, c.excluded_by, c.dup_count, c.account_source,
      CASE WHEN c.excluded_by IS NULL THEN c.months_raw ELSE 0 END AS months,
      CASE WHEN c.excluded_by IS NULL THEN (${s.standardFen}::bigint * c.months_raw + 6) / 12 ELSE 0 END AS amount_fen,
      CASE c.account_source WHEN 'own' THEN c.own_account_no WHEN 'head' THEN c.head_account_no ELSE '' END AS account_no,
      CASE c.account_source WHEN 'own' THEN c.own_bank_name WHEN 'head' THEN c.head_bank_name ELSE '' END AS bank_name,
      CASE c.account_source WHEN 'own' THEN c.own_holder_name WHEN 'head' THEN c.head_holder_name ELSE '' END AS holder_name,
      array_remove(ARRAY[
        CASE WHEN c.account_source = 'none' THEN 'no_account' END,
        CASE WHEN c.account_source = 'head' THEN 'head_account' END,
        CASE WHEN NOT c.id_valid THEN 'invalid_id' END,
        CASE WHEN c.dup_count > 1 THEN 'duplicate_registry' END
      ]::text[], NULL) AS flags
    FROM c`;
}

/** The Chinese rule behind a row's amount (same words as entitlementFor), over a row of the query above aliased `alias`. */
export function reasonSql(period: Period, s: SubsidySettings, alias = 'c'): RawBuilder<string> {
  const full = period.months.length;
  const stdText = String(s.standardFen / 100);
  const a = (col: string) => sql.raw(`${alias}.${col}`);
  return sql<string>`CASE
    WHEN ${a('excluded_by')} = 'no-start' THEN '无扶持开始日期'
    WHEN ${a('excluded_by')} = 'removal-nodate' THEN '已核减但核减日期为空，补全核减日期后再核定'
    WHEN ${a('excluded_by')} = 'removal' THEN format('已于%s核减，不晚于期间首日%s', to_char(${a('removal_date')}, 'YYYY-MM-DD'), ${period.first}::text)
    WHEN ${a('excluded_by')} = 'term' THEN format('期间不在扶持期限%s至%s内', to_char(${a('support_start')}, 'YYYY-MM-DD'), to_char(${a('end_used')}, 'YYYY-MM-DD'))
    WHEN ${a('months')} = ${full}::int THEN format('扶持期限%s至%s覆盖全部%s个月，按标准%s元/年', to_char(${a('support_start')}, 'YYYY-MM-DD'), to_char(${a('end_used')}, 'YYYY-MM-DD'), ${full}::int, ${stdText}::text)
    ELSE format('扶持期限%s至%s覆盖%s个整月（共%s个月），按标准%s元/年折算', to_char(${a('support_start')}, 'YYYY-MM-DD'), to_char(${a('end_used')}, 'YYYY-MM-DD'), ${a('months')}, ${full}::int, ${stdText}::text)
  END`;
}

/** Order of the register rows of one ID: the row with the largest entitlement is the person (FORMATS §6 precise readings). */
export const PERSON_ROW_ORDER = sql.raw(`amount_fen DESC, (status = '正常') DESC, person_id`);

/** One row per person (normalised ID) with the reason: what the roll holds, for checks and small rolls. */
export function entitledPersonsQuery(
  countyCode: string,
  period: Period,
  s: SubsidySettings,
): RawBuilder<EntitlementRow & { eligible: boolean; reason: string }> {
  return sql<
    EntitlementRow & { eligible: boolean; reason: string }
  >`SELECT DISTINCT ON (c.id_number) c.*, (c.excluded_by IS NULL) AS eligible, ${reasonSql(period, s)} AS reason
    FROM (${entitlementRowsQuery(countyCode, period, s)}) c ORDER BY c.id_number, ${PERSON_ROW_ORDER}`;
}
