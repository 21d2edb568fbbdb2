// Import of the bank's result file into a roll: one transaction, audited, idempotent (the same
// file twice changes nothing: its checksum is kept, and only lines whose result differs are updated).
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { appendAudit, type AuditActor } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { matchReturn, readBankReturn, type RollLineKey } from './bankreturn.ts';
import { getTemplate } from './bankfile.store.ts';
import { assertCan } from './payroll.ts';
import { conflictOf } from './payroll.store.ts';

export interface ImportSummary {
  fileId: number; alreadyImported: boolean; rows: number; succeeded: number; failed: number; unchanged: number;
  unknown: { rowNumber: number; idNumber: string; name: string }[]; missing: number;
  problems: { rowNumber: number; column: string; reason: string }[]; warnings: string[];
}

export async function importBankReturn(db: Kysely<any>, actor: AuditActor, countyCode: string, payrollId: number,
  file: { filename: string; content: Buffer; templateCode?: string; maxUnknown?: number }): Promise<ImportSummary> {
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  const tpl = file.templateCode ? await getTemplate(db, countyCode, file.templateCode) : undefined;
  const parsed = await readBankReturn(file.content, tpl);
  if (!parsed.rows.length) throw new AppError('FILE_EMPTY', `回盘文件没有可读的数据行${parsed.problems.length ? '：' + parsed.problems.slice(0, 5).map((p) => `第${p.rowNumber}行${p.column}${p.reason}`).join('；') : ''}`);
  try {
    return await db.transaction().execute(async (trx) => {
      const r = await sql<any>`SELECT status, batch_no, period FROM payrolls WHERE county_code = ${countyCode} AND id = ${payrollId} FOR UPDATE`.execute(trx);
      if (!r.rows[0]) throw new AppError('NOT_FOUND', `发放批次${payrollId}不存在`);
      const same = await sql<any>`SELECT id, summary FROM payroll_result_files WHERE county_code = ${countyCode} AND payroll_id = ${payrollId} AND sha256 = ${sha256}`.execute(trx);
      if (same.rows[0]) return { ...(same.rows[0].summary as ImportSummary), fileId: Number(same.rows[0].id), alreadyImported: true, succeeded: 0, failed: 0 };
      assertCan('import', r.rows[0].status);
      const lr = await sql<any>`SELECT line_no, id_number, amount_fen, result, name FROM payment_lines WHERE county_code = ${countyCode} AND payroll_id = ${payrollId}`.execute(trx);
      const lines = new Map<string, RollLineKey>(lr.rows.map((x) => [x.id_number, { lineNo: Number(x.line_no), amountFen: Number(x.amount_fen), result: x.result, name: x.name }]));
      const m = matchReturn({ period: r.rows[0].period, batchNo: r.rows[0].batch_no }, lines, parsed.rows, { maxUnknown: file.maxUnknown });
      if (m.refusals.length) throw new AppError('CONFLICT', `回盘文件未导入：${m.refusals.join('；')}`, { refusals: m.refusals });
      const succeeded = m.updates.filter((u) => u.result === 'success').length;
      const failed = m.updates.length - succeeded;
      const summary = { rows: parsed.rows.length + parsed.problems.length, succeeded, failed, unchanged: m.unchanged, unknown: m.unknown, missing: m.missing,
        problems: parsed.problems, warnings: [...parsed.warnings, ...m.nameWarnings.slice(0, 50)] };
      const f = await sql<{ id: number }>`INSERT INTO payroll_result_files (county_code, payroll_id, filename, sha256, rows, succeeded, failed, summary, content, imported_by)
        VALUES (${countyCode}, ${payrollId}, ${file.filename}, ${sha256}, ${summary.rows}, ${succeeded}, ${failed}, ${JSON.stringify(summary)}::jsonb, ${file.content}, ${actor.userId})
        RETURNING id`.execute(trx);
      const fileId = Number(f.rows[0].id);
      for (let i = 0; i < m.updates.length; i += 10000) {
        const part = m.updates.slice(i, i + 10000);
        await sql`UPDATE payment_lines l SET result = v.result, result_reason = v.reason, paid_date = v.paid::date, result_file_id = ${fileId}, updated_at = now()
          FROM unnest(${part.map((u) => u.lineNo)}::int[], ${part.map((u) => u.result)}::text[], ${part.map((u) => u.reason)}::text[], ${part.map((u) => u.paidDate)}::text[])
            AS v(line_no, result, reason, paid)
          WHERE l.county_code = ${countyCode} AND l.payroll_id = ${payrollId} AND l.line_no = v.line_no AND l.result <> v.result AND l.result <> 'success'`.execute(trx);
      }
      await sql`UPDATE payrolls SET status = 'results_imported', results_at = now() WHERE county_code = ${countyCode} AND id = ${payrollId}`.execute(trx);
      await appendAudit(trx, actor, { action: 'payroll.import_results', entityType: 'payroll', entityId: payrollId, countyCode,
        before: { status: r.rows[0].status }, after: { status: 'results_imported' },
        detail: { filename: file.filename, sha256, fileId, rows: summary.rows, succeeded, failed, unchanged: m.unchanged, unknown: m.unknown.length, missing: m.missing, problems: parsed.problems.length } });
      return { fileId, alreadyImported: false, ...summary };
    });
  } catch (e) { throw conflictOf(e); }
}
