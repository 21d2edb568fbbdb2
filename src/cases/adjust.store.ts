// A confirmed death or duplicate registration turned into a 核减 adjustment in one step, through
// the registry's own adjustment functions (the county approves it in the registry's queue).
import { sql, type Kysely } from 'kysely';
import { appendAudit } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { isValidDate } from '../shared/dates.ts';
import type { SessionUser } from '../auth/index.ts';
import { createAdjustment, personsByIdNumbers } from '../registry/index.ts';
import { getCase } from './cases.store.ts';

const DEATH_CODES = new Set(['DECEASED_PAID', 'HUKOU_CANCELLED']);

export async function caseToRemoval(db: Kysely<any>, user: SessionUser, countyCode: string, caseId: number,
  input: { effectiveDate?: string; keepPersonId?: number; remarks?: string }): Promise<{ adjustmentId: number; personIds: number[]; effectiveDate: string; evidenceDate: string | null }> {
  const c = await getCase(db, countyCode, user, caseId);
  if (c.status !== '已核实' || c.verdict !== '违规') throw new AppError('CONFLICT', '只有核实为违规的问题才能转为核减');
  if (c.adjustmentId !== null) throw new AppError('CONFLICT', `该问题已转为核减调整${c.adjustmentId}`);
  const isDeath = DEATH_CODES.has(c.code);
  if (!isDeath && c.code !== 'DUPLICATE_REGISTRY') throw new AppError('CONFLICT', `“${c.label}”不能直接转为核减（仅死亡和重复登记）`);
  const rows = (await personsByIdNumbers(db, countyCode, [c.idNumber])).filter((p) => p.status === '正常');
  let remove = rows;
  if (!isDeath) {
    const keep = input.keepPersonId ?? rows[0]?.personId;
    if (!rows.some((r) => r.personId === keep)) throw new AppError('VALIDATION', '请选择保留的那条登记记录');
    remove = rows.filter((r) => r.personId !== keep);
  }
  if (!remove.length) throw new AppError('CONFLICT', '花名册中已没有需要核减的正常状态记录');
  // the date comes from the evidence (the death date of the death record or the hukou 死亡注销), never today;
  // the officer may confirm it or give another, and the adjustment says which
  const evidenceDate = isDeath ? c.deathDate : null;
  const effectiveDate = input.effectiveDate ?? evidenceDate;
  if (!effectiveDate) {
    throw new AppError('VALIDATION', isDeath ? '核对数据中没有该人的死亡日期，请填写核减日期（死亡日期）' : '请填写核减日期');
  }
  if (!isValidDate(effectiveDate)) throw new AppError('VALIDATION', `核减日期“${effectiveDate}”不是有效日期`);
  const dateNote = evidenceDate ? (effectiveDate === evidenceDate ? `核减日期取佐证材料记载的死亡日期${evidenceDate}` : `佐证材料记载的死亡日期为${evidenceDate}，经办人改为${effectiveDate}`) : '';
  const { adjustment } = await createAdjustment(db, user, {
    kind: 'remove', personIds: remove.map((r) => r.personId), reason: isDeath ? '死亡' : '重复登记', effectiveDate,
    remarks: [input.remarks ?? '', dateNote].filter(Boolean).join('；'), evidenceNote: `交叉核对问题${c.id}（${c.label}）核实为违规：${c.evidence}`.slice(0, 500),
  });
  const adjustmentId = Number((adjustment as { id: number }).id);
  await db.transaction().execute(async (trx) => {
    await sql`UPDATE cases SET adjustment_id = ${adjustmentId}, updated_at = now() WHERE county_code = ${countyCode} AND id = ${caseId}`.execute(trx);
    await appendAudit(trx, { userId: user.id, username: user.username }, { action: 'case.to_adjustment', entityType: 'case', entityId: caseId, countyCode,
      after: { adjustmentId, personIds: remove.map((r) => r.personId), effectiveDate }, detail: { evidenceDate, dateChanged: evidenceDate !== null && effectiveDate !== evidenceDate } });
  });
  return { adjustmentId, personIds: remove.map((r) => r.personId), effectiveDate, evidenceDate };
}
