// Settings rows in the `settings` table (county, key, effective_from, value).
import { sql, type Kysely } from 'kysely';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { parseDateStrict, type IsoDate } from '../shared/dates.ts';
import { checkSettingValue, SETTING_KEYS, settingsInForce, type SettingRow, type SubsidySettings } from './settings.ts';

export async function listSettingRows(db: Kysely<any>, countyCode: string): Promise<SettingRow[]> {
  const r = await sql<{ key: string; effective_from: string; value: unknown }>`
    SELECT key, effective_from::text AS effective_from, value FROM settings
    WHERE county_code = ${countyCode} AND key LIKE 'subsidy.%' ORDER BY key, effective_from`.execute(db);
  return r.rows.map((x) => ({ key: x.key, effectiveFrom: x.effective_from, value: x.value }));
}

export async function loadSettings(db: Kysely<any>, countyCode: string, date: IsoDate): Promise<SubsidySettings> {
  return settingsInForce(await listSettingRows(db, countyCode), date);
}

/** Set one or more fields from a date on (the same date again replaces that row). Audited. */
export async function saveSettings(db: Kysely<any>, actor: AuditActor, countyCode: string, effectiveFrom: IsoDate,
  values: Partial<SubsidySettings>): Promise<SettingRow[]> {
  const d = parseDateStrict(effectiveFrom);
  if (!d.ok || !d.date) throw new AppError('VALIDATION', `生效日期无效：${d.ok ? '为空' : d.reason}`);
  const fields = Object.keys(values).filter((k) => k in SETTING_KEYS) as (keyof SubsidySettings)[];
  if (!fields.length) throw new AppError('VALIDATION', '没有要保存的设置');
  for (const f of fields) {
    const why = checkSettingValue(f, values[f]);
    if (why) throw new AppError('VALIDATION', why, { field: f });
  }
  await db.transaction().execute(async (trx) => {
    for (const f of fields) {
      const key = SETTING_KEYS[f];
      const prev = await sql<{ value: unknown }>`SELECT value FROM settings WHERE county_code = ${countyCode} AND key = ${key} AND effective_from = ${d.date}::date`.execute(trx);
      await sql`INSERT INTO settings (county_code, key, effective_from, value, updated_by, updated_at)
        VALUES (${countyCode}, ${key}, ${d.date}::date, ${JSON.stringify(values[f])}::jsonb, ${actor.userId}, now())
        ON CONFLICT (county_code, key, effective_from) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`.execute(trx);
      await appendAudit(trx, actor, { action: 'settings.update', entityType: 'setting', entityId: `${key}@${d.date}`, countyCode,
        before: prev.rows[0] ? { value: prev.rows[0].value } : null, after: { value: values[f], effectiveFrom: d.date } });
    }
  });
  return listSettingRows(db, countyCode);
}
