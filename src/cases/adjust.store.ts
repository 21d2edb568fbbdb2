// A confirmed death or duplicate registration turned into a 核减 adjustment in one step, through
// the registry's own adjustment functions (the county approves it in the registry's queue).
import { sql, type Kysely } from 'kysely';
import { appendAudit } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import type { SessionUser } from '../auth/index.ts';
import { createAdjustment, personsByIdNumbers } from '../registry/index.ts';
import { getCase } from './cases.store.ts';

const DEATH_CODES = new Set(['DECEASED_PAID', 'HUKOU_CANCELLED']);

export async function caseToRemoval(db: Kysely<any>, user: SessionUser, countyCode: string, caseId: number,
  input: { effectiveDate: string; keepPersonId?: number; remarks?: string }): Promise<{ adjustmentId: number; personIds: number[] }> {
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
  const { adjustment } = await createAdjustment(db, user, {
    kind: 'remove', personIds: remove.map((r) => r.personId), reason: isDeath ? '死亡' : '重复登记', effectiveDate: input.effectiveDate,
    remarks: input.remarks ?? '', evidenceNote: `交叉核对问题${c.id}（${c.label}）核实为违规：${c.evidence}`.slice(0, 500),
  });
  const adjustmentId = Number((adjustment as { id: number }).id);
  await db.transaction().execute(async (trx) => {
    await sql`UPDATE cases SET adjustment_id = ${adjustmentId}, updated_at = now() WHERE county_code = ${countyCode} AND id = ${caseId}`.execute(trx);
    await appendAudit(trx, { userId: user.id, username: user.username }, { action: 'case.to_adjustment', entityType: 'case', entityId: caseId, countyCode,
      after: { adjustmentId, personIds: remove.map((r) => r.personId) } });
  });
  return { adjustmentId, personIds: remove.map((r) => r.personId) };
}
