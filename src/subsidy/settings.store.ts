// Settings rows in the `settings` table (county, key, effective_from, value). SQL only: the
// checks and the audit of a change are in subsidy.service.ts.
import { sql, type Kysely } from 'kysely';
import type { Tables } from '../shared/db/tables.ts';
import type { IsoDate } from '../shared/dates.ts';
import { settingsInForce, type SettingRow, type SubsidySettings } from './settings.ts';

type Db = Kysely<Tables>;

export async function listSettingRows(db: Db, countyCode: string): Promise<SettingRow[]> {
  const r = await sql<{ key: string; effective_from: string; value: unknown }>`
    SELECT key, effective_from::text AS effective_from, value FROM settings
    WHERE county_code = ${countyCode} AND key LIKE 'subsidy.%' ORDER BY key, effective_from`.execute(db);
  return r.rows.map((x) => ({ key: x.key, effectiveFrom: x.effective_from, value: x.value }));
}

export async function loadSettings(db: Db, countyCode: string, date: IsoDate): Promise<SubsidySettings> {
  return settingsInForce(await listSettingRows(db, countyCode), date);
}

/** The row of one key from one date, if there is one: what a change replaces. */
export async function settingAt(trx: Db, countyCode: string, key: string, date: IsoDate): Promise<{ value: unknown } | null> {
  const prev = await sql<{
    value: unknown;
  }>`SELECT value FROM settings WHERE county_code = ${countyCode} AND key = ${key} AND effective_from = ${date}::date`.execute(trx);
  return prev.rows[0] ?? null;
}

/** Set one key from a date on (the same date again replaces that row). */
export async function putSetting(trx: Db, countyCode: string, key: string, date: IsoDate, value: unknown, userId: number | null): Promise<void> {
  await sql`INSERT INTO settings (county_code, key, effective_from, value, updated_by, updated_at)
    VALUES (${countyCode}, ${key}, ${date}::date, ${JSON.stringify(value)}::jsonb, ${userId}, now())
    ON CONFLICT (county_code, key, effective_from) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`.execute(trx);
}

/** The counties on the register (at most `limit`): the CLI's default county when there is one. */
export async function registerCounties(db: Db, limit = 2): Promise<string[]> {
  const r = await sql<{ county_code: string }>`SELECT DISTINCT county_code FROM persons LIMIT ${limit}`.execute(db);
  return r.rows.map((x) => x.county_code);
}
