// Workflow of department alerts: import a file (streamed, matched against the monitored
// households and the post-support register, stored with every rejected row in one
// transaction; the same file twice changes nothing), and close an alert by a decision.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAudit } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { todayIso } from '../shared/dates.ts';
import { inScope, actorOf, type SessionUser } from '../auth/index.ts';
import { streamRosterForCheck, getHousehold } from '../registry/index.ts';
import { need, householdInScope, identifyWithin, addRiskWithin, type Db } from './household.service.ts';
import { monitoredPopulation, risksOf } from './household.store.ts';
import * as store from './alert.store.ts';
import { matchAlert, PopulationIndex, emptyMatchCounts, type AlertProblem } from './alerts.ts';
import { readAlertFile, type AlertFileSummary } from './alert-file.ts';
import { ALERT_TYPES, type AlertSource, type AlertType, type Category, type MatchKind } from './codes.ts';

/** Everyone an alert may concern: monitored members (with their open risks) and the active post-support register. */
export async function buildPopulation(db: Db, county: string): Promise<PopulationIndex> {
  const index = new PopulationIndex();
  for await (const chunk of streamRosterForCheck(db, county)) {
    for (const p of chunk)
      if (p.status === '正常') index.add(p.idNumber, { kind: 'support', name: p.name, villageCode: p.villageCode, householdKey: p.householdNo });
  }
  for (const m of await monitoredPopulation(db, county)) {
    index.add(m.idNumber, { kind: 'monitored', name: m.name, villageCode: m.villageCode, householdKey: String(m.householdId), openRisks: m.openRisks });
  }
  return index;
}

export interface ImportResult {
  importId: number;
  duplicate: boolean;
  rows: number;
  accepted: number;
  rejected: number;
  matched: Record<MatchKind, number>;
  problems: AlertProblem[];
  warnings: string[];
}

export async function importAlerts(
  db: Db,
  user: SessionUser,
  file: { filename: string; content: Buffer; source: AlertSource },
  today = todayIso(),
): Promise<ImportResult> {
  need(user, 'monitoring.enter');
  if (user.regionCode.length !== 6) throw new AppError('FORBIDDEN', '部门预警数据由县级导入');
  if (!file.content.length) throw new AppError('FILE_EMPTY', '文件为空');
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  const had = await store.importBySha(db, user.countyCode, sha256);
  if (had)
    return {
      importId: had.id,
      duplicate: true,
      rows: had.rows,
      accepted: had.accepted,
      rejected: had.rejected,
      matched: emptyMatchCounts(),
      problems: await store.importProblems(db, user.countyCode, had.id),
      warnings: ['同一文件已导入过，本次未作任何改动'],
    };
  const index = await buildPopulation(db, user.countyCode);
  const dir = await mkdtemp(join(tmpdir(), 'anju-alert-'));
  const alerts: store.NewAlert[] = [];
  const matched = emptyMatchCounts();
  let summary: AlertFileSummary;
  try {
    const path = join(dir, 'alerts' + (file.filename.toLowerCase().endsWith('.xlsx') ? '.xlsx' : '.csv'));
    await writeFile(path, file.content);
    summary = await readAlertFile(path, {
      source: file.source,
      today,
      onAlert: (a) => {
        const m = matchAlert(a, index);
        matched[m.matchKind]++;
        const village = m.person?.villageCode ?? (a.villageCode.startsWith(user.countyCode) ? a.villageCode : '');
        alerts.push({
          rowNumber: a.rowNumber,
          source: a.source,
          alertType: a.alertType,
          idNumber: a.idNumber,
          name: a.name,
          amountFen: a.amountFen,
          note: a.note,
          alertDate: a.alertDate,
          villageCode: village,
          matchKind: m.matchKind,
          monitoredHouseholdId: m.matchKind === 'monitored' ? Number(m.person!.householdKey) : null,
          supportHouseholdNo: m.matchKind === 'support' ? m.person!.householdKey : null,
          evidence: m.evidence,
        });
      },
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const importId = await db.transaction().execute(async (trx) => {
    const id = await store.insertImport(trx, user.countyCode, {
      source: file.source,
      filename: file.filename,
      sha256,
      rows: summary.rows,
      accepted: summary.accepted,
      rejected: summary.rejected,
      importedBy: user.id,
    });
    await store.insertImportProblems(trx, user.countyCode, id, summary.problems);
    await store.insertAlerts(trx, user.countyCode, id, alerts);
    await appendAudit(trx, actorOf(user), {
      action: 'alert.import',
      entityType: 'alert_import',
      entityId: id,
      countyCode: user.countyCode,
      detail: { filename: file.filename, sha256, source: file.source, rows: summary.rows, accepted: summary.accepted, rejected: summary.rejected, matched },
    });
    return id;
  });
  return {
    importId,
    duplicate: false,
    rows: summary.rows,
    accepted: summary.accepted,
    rejected: summary.rejected,
    matched,
    problems: summary.problems,
    warnings: summary.warnings,
  };
}

export interface DecisionInput {
  decision: 'include' | 'exclude';
  reason: string;
  /** include a person not yet monitored: the new household's facts */
  category?: Category;
  responsibleName?: string;
  villageCode?: string;
  /** members, when not taken from the post-support household (default) or the reported person alone */
  members?: { name: string; idNumber: string; relation: string; phone?: string; healthNote?: string }[];
}

/** 纳入监测 (a new risk on the monitored household, or a new monitored household) or 不纳入 with its reason. */
export async function decideAlert(db: Db, user: SessionUser, alertId: number, d: DecisionInput, today = todayIso()): Promise<{ householdId: number | null }> {
  need(user, 'monitoring.enter');
  if (!d.reason.trim()) throw new AppError('VALIDATION', d.decision === 'exclude' ? '不纳入监测须填写理由' : '请填写研判意见');
  const a0 = await store.getAlert(db, user.countyCode, alertId);
  if (!a0 || (a0.villageCode ? !inScope(user, a0.villageCode) : user.regionCode.length !== 6)) throw new AppError('NOT_FOUND', '预警不存在或不在本辖区');
  // a post-support household's members come from the register (read before the transaction; viewing them unmasked is audited there)
  const supportMembers =
    d.decision === 'include' && a0.matchKind === 'support' && a0.supportHouseholdNo && !d.members
      ? (await getHousehold(db, user, a0.supportHouseholdNo, { unmask: true })).members
          .filter((m) => m.status === '正常')
          .map((m) => ({ name: m.name, idNumber: m.idNumber, relation: m.relation, phone: m.phone }))
      : null;
  return db.transaction().execute(async (trx) => {
    const a = await store.getAlert(trx, user.countyCode, alertId, true);
    if (!a) throw new AppError('NOT_FOUND', '预警不存在');
    if (a.status !== 'open') throw new AppError('CONFLICT', '该预警已研判处理');
    const type = ALERT_TYPES[a.alertType as AlertType];
    const riskType = type?.risk ?? 'other';
    const identifiedOn = a.alertDate ?? today;
    let householdId: number | null = null;
    if (d.decision === 'include') {
      if (a.matchKind === 'monitored' && a.monitoredHouseholdId) {
        const h = await householdInScope(trx, user, a.monitoredHouseholdId, true);
        householdId = h.id;
        const open = (await risksOf(trx, user.countyCode, [h.id])).some((r) => r.riskType === riskType && r.state !== 'removed');
        if (!open) await addRiskWithin(trx, user, h.id, { riskType, identifiedOn, note: a.evidence, sourceAlertId: a.id });
      } else {
        // a person on no register: the household starts with the person the office reported (more members can follow)
        const members = d.members ?? supportMembers ?? [{ name: a.name, idNumber: a.idNumber, relation: '户主' }];
        if (!d.category || !d.responsibleName?.trim()) throw new AppError('VALIDATION', '纳入监测须选择监测对象类别并填写帮扶责任人');
        const villageCode = a.villageCode || d.villageCode || '';
        if (!/^\d{12}$/.test(villageCode)) throw new AppError('VALIDATION', '请选择该户所在的村');
        householdId = await identifyWithin(
          trx,
          user,
          {
            villageCode,
            category: d.category,
            identifiedOn,
            identifiedHow: 'alert',
            responsibleName: d.responsibleName,
            members,
            risks: [{ riskType, note: a.evidence }],
            sourceAlertId: a.id,
          },
          today,
        );
      }
    }
    await store.saveDecision(
      trx,
      user.countyCode,
      a.id,
      { status: d.decision === 'include' ? 'included' : 'excluded', reason: d.reason.trim(), householdId, villageCode: d.villageCode ?? '' },
      user.id,
    );
    await appendAudit(trx, actorOf(user), {
      action: `alert.${d.decision}`,
      entityType: 'alert',
      entityId: a.id,
      countyCode: user.countyCode,
      before: { status: a.status },
      after: { status: d.decision === 'include' ? 'included' : 'excluded', reason: d.reason.trim(), householdId },
    });
    return { householdId };
  });
}
