// HTTP for cross-check runs (upload, start, progress, findings as FORMATS §6 CSV), cases
// (list, verify, turn into 核减), the recovery ledger and the subsidy dashboard figures.
// Township officers see their own township only.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePermission, actorOf, unmaskAllowed, auditUnmaskedView, auditIdSearch, maskId, type SessionUser } from '../auth/index.ts';
import { maskDeep } from '../shared/mask.ts';
import { AppError } from '../shared/errors.ts';
import { receiveUpload } from '../shared/http/upload.ts';
import { attachmentDisposition } from '../shared/http/attachment.ts';
import type { AppContext } from '../shared/context.ts';
import { findingsCsv, FINDING_CODES } from '../crosscheck/index.ts';
import { paidFigures } from '../subsidy/index.ts';
import { uploadInput, listInputs, startRun, getRun, listRuns, listFindings } from './runs.store.ts';
import { listCases, getCase, verifyCase, type Case } from './cases.store.ts';
import { caseToRemoval } from './adjust.store.ts';
import { listRecovery, getRecovery, addInstalment, requestWriteOff, approveWriteOff, recoveryTotals } from './recovery.store.ts';
import { caseFigures } from './figures.store.ts';
import { personIdentity } from '../registry/index.ts';

const TAG = ['交叉核对与追缴'];
const IdParam = z.object({ id: z.coerce.number().int().positive() });
const flag = z.union([z.boolean(), z.enum(['1', '0', 'true', 'false'])]).optional();
const page = { page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(500).default(50) };
const scopeOf = (user: SessionUser) => (user.regionCode.length > 6 ? user.regionCode : undefined);
const MAX_UPLOAD = 512 * 1024 * 1024;

export const VerifyBody = z.object({ verdict: z.enum(['违规', '误报']), evidence: z.string().min(1, '请填写核实依据').max(2000), remarks: z.string().max(2000).optional() });
export const RunBody = z.object({ inputIds: z.array(z.number().int().positive()).min(1, '请先上传或选择至少一个核对文件（死亡名单、户籍信息、其他县花名册或发放明细）').max(50), periods: z.array(z.string().regex(/^\d{4}(H[12])?$/)).max(40).optional(),
  coverage: z.array(z.string().regex(/^\d{6}$/)).max(200).optional() });
export const InstalmentBody = z.object({ paidOn: z.string(), amountFen: z.number().int().positive(), receiptNo: z.string().min(1).max(60) });

const caseView = (c: Case, unmasked: boolean) => (unmasked ? c : { ...maskDeep(c), idNumber: maskId(c.idNumber) });
/** Recovery items are always shown masked (the ledger needs no full ID), their answers to changes too. */
const recoveryView = <T extends { idNumber: string }>(i: T): T => ({ ...maskDeep(i), idNumber: maskId(i.idNumber) });

export async function registerCasesRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = ctx.database.db;

  r.post('/crosscheck/inputs', { config: { permission: 'crosscheck.run', countyLevel: true }, schema: { tags: TAG, summary: '上传核对数据（死亡名单、户籍信息、其他县花名册、发放明细；multipart，字段file；同一文件只保存一次）',
    querystring: z.object({ kind: z.enum(['deaths', 'hukou', 'other_roster', 'payments']), label: z.string().max(60).optional() }), consumes: ['multipart/form-data'] } }, async (req, reply) => {
    const user = requirePermission(req, 'crosscheck.run');
    const file = await receiveUpload(req, { maxBytes: MAX_UPLOAD, what: '核对数据文件' });
    let saved;
    try {
      saved = await uploadInput(db, actorOf(user), user.countyCode, req.query.kind, { filename: file.filename, content: await file.read(), path: file.path, sha256: file.sha256, label: req.query.label });
    } finally { await file.remove(); }
    return reply.status(201).send({ ...saved, problems: saved.problems.slice(0, 200), problemCount: saved.problemCount });
  });
  r.get('/crosscheck/inputs', { config: { permission: 'crosscheck.run' }, schema: { tags: TAG, summary: '已上传的核对数据' } }, async (req) => {
    const user = requirePermission(req, 'crosscheck.run');
    return { inputs: await listInputs(db, user.countyCode) };
  });
  r.post('/crosscheck/runs', { config: { permission: 'crosscheck.run', countyLevel: true }, schema: { tags: TAG, summary: '开始核对（花名册和已记录的发放结果，对照所选数据；后台任务，GET /api/jobs/:jobId 查看进度）', body: RunBody } }, async (req, reply) => {
    const user = requirePermission(req, 'crosscheck.run');
    return reply.status(202).send(await startRun(db, actorOf(user), user.countyCode, req.body));
  });
  r.get('/crosscheck/runs', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '核对记录（输入文件校验值和行数、结果统计）' } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    return { runs: await listRuns(db, user.countyCode) };
  });
  r.get('/crosscheck/runs/:id', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '一次核对的详情', params: IdParam } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    return getRun(db, user.countyCode, req.params.id);
  });
  r.get('/crosscheck/runs/:id/findings', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '核对发现的问题（分页）', params: IdParam,
    querystring: z.object({ code: z.enum(FINDING_CODES).optional(), ...page, unmask: flag }) } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    const q = req.query;
    const res = await listFindings(db, user.countyCode, req.params.id, { code: q.code, scope: scopeOf(user), offset: (q.page - 1) * q.pageSize, limit: q.pageSize });
    const unmasked = unmaskAllowed(req);
    if (unmasked) await auditUnmaskedView(db, user, { entityType: 'crosscheck_run', entityId: req.params.id, countyCode: user.countyCode, fields: ['idNumber'], count: res.findings.length });
    return { total: res.total, masked: !unmasked, findings: res.findings.map((f) => (unmasked ? f : { ...maskDeep(f), idNumber: maskId(f.idNumber) })) };
  });
  r.get('/crosscheck/runs/:id/findings.csv', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '导出核查结果（FORMATS §6：CSV，UTF-8带BOM；完整身份证号，记审计）', params: IdParam } }, async (req, reply) => {
    const user = requirePermission(req, 'subsidy.read');
    if (!unmaskAllowed(req, { requireAsk: false })) throw new AppError('FORBIDDEN', '您的角色不能导出含完整身份证号的核查结果');
    const run = await getRun(db, user.countyCode, req.params.id);
    const { findings } = await listFindings(db, user.countyCode, run.id, { scope: scopeOf(user), limit: 100000 });
    await auditUnmaskedView(db, user, { entityType: 'crosscheck_run', entityId: run.id, countyCode: user.countyCode, fields: ['idNumber'], count: findings.length, action: 'crosscheck.findings_export' });
    return reply.header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', attachmentDisposition(`核查结果_${run.id}.csv`, 'findings.csv')).send(findingsCsv(findings));
  });

  r.get('/cases', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '疑似问题（按状态、结论、问题类型、乡镇筛选；乡镇专干只看本乡镇）',
    querystring: z.object({ status: z.enum(['待核实', '已核实']).optional(), verdict: z.enum(['违规', '误报']).optional(), code: z.enum(FINDING_CODES).optional(),
      townshipCode: z.string().regex(/^\d{9}$/).optional(), olderThanDays: z.coerce.number().int().min(1).max(3650).optional(), runId: z.coerce.number().int().positive().optional(), q: z.string().max(40).optional(), ...page, unmask: flag }) } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    const q = req.query;
    const res = await listCases(db, user.countyCode, user, { ...q, offset: (q.page - 1) * q.pageSize, limit: q.pageSize });
    await auditIdSearch(db, user, { entityType: 'case', q: q.q, count: res.total });
    const unmasked = unmaskAllowed(req);
    if (unmasked) await auditUnmaskedView(db, user, { entityType: 'case', countyCode: user.countyCode, fields: ['idNumber'], count: res.cases.length, detail: { query: q } });
    return { ...res, masked: !unmasked, cases: res.cases.map((c) => caseView(c, unmasked)) };
  });
  r.get('/cases/:id', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '疑似问题详情', params: IdParam, querystring: z.object({ unmask: flag }) } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    const c = await getCase(db, user.countyCode, user, req.params.id);
    const unmasked = unmaskAllowed(req);
    if (unmasked) await auditUnmaskedView(db, user, { entityType: 'case', entityId: c.id, countyCode: user.countyCode, fields: ['idNumber'] });
    return caseView(c, unmasked);
  });
  r.get('/cases/persons/:id', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '一个人的交叉核对问题（人员页）', params: IdParam } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    const who = await personIdentity(db, user.countyCode, req.params.id);
    if (!who || !who.villageCode.startsWith(user.regionCode)) throw new AppError('NOT_FOUND', `人员${req.params.id}不存在`);
    const res = await listCases(db, user.countyCode, user, { idNumber: who.idNumber, limit: 100 });
    return { cases: res.cases.map((c) => caseView(c, false)) };
  });
  r.post('/cases/:id/verify', { config: { permission: 'cases.work' }, schema: { tags: TAG, summary: '核实（违规/误报，填写依据；违规的多发金额自动进入追缴台账）', params: IdParam, body: VerifyBody } }, async (req) => {
    const user = requirePermission(req, 'cases.work');
    return caseView(await verifyCase(db, user, user.countyCode, req.params.id, req.body), false);
  });
  r.post('/cases/:id/removal', { config: { permission: 'adjustment.enter' }, schema: { tags: TAG, summary: '核实为违规的死亡、重复登记一键转为核减调整（待县中心审批；核减日期默认取佐证材料中的死亡日期，可确认或修改）', params: IdParam,
    body: z.object({ effectiveDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '核减日期应为YYYY-MM-DD').optional().describe('不填则取佐证材料记载的死亡日期'), keepPersonId: z.number().int().positive().optional(), remarks: z.string().max(1000).optional() }) } }, async (req, reply) => {
    const user = requirePermission(req, 'adjustment.enter');
    return reply.status(201).send(await caseToRemoval(db, user, user.countyCode, req.params.id, req.body));
  });

  r.get('/recovery', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '追缴台账',
    querystring: z.object({ status: z.enum(['追缴中', '已结清', '核销']).optional(), townshipCode: z.string().regex(/^\d{9}$/).optional(), year: z.coerce.number().int().optional(), ...page }) } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    const q = req.query;
    const res = await listRecovery(db, user.countyCode, user, { ...q, offset: (q.page - 1) * q.pageSize, limit: q.pageSize });
    return { ...res, items: res.items.map(recoveryView) };
  });
  r.get('/recovery/totals', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '追缴合计（按乡镇、年度）', querystring: z.object({ year: z.coerce.number().int().optional() }) } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    return { totals: await recoveryTotals(db, user.countyCode, user, req.query.year) };
  });
  r.get('/recovery/:id', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '追缴记录（含收款明细）', params: IdParam } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    const i = await getRecovery(db, user.countyCode, user, req.params.id);
    return recoveryView(i);
  });
  r.post('/recovery/:id/instalments', { config: { permission: 'recovery.manage' }, schema: { tags: TAG, summary: '登记收回款项（日期、金额、收据号）', params: IdParam, body: InstalmentBody } }, async (req) => {
    const user = requirePermission(req, 'recovery.manage');
    return recoveryView(await addInstalment(db, user, user.countyCode, req.params.id, req.body));
  });
  r.post('/recovery/:id/writeoff-request', { config: { permission: 'recovery.manage' }, schema: { tags: TAG, summary: '申请核销', params: IdParam, body: z.object({ reason: z.string().min(1).max(1000) }) } }, async (req) => {
    const user = requirePermission(req, 'recovery.manage');
    return recoveryView(await requestWriteOff(db, user, user.countyCode, req.params.id, req.body.reason));
  });
  r.post('/recovery/:id/writeoff-approve', { config: { permission: 'recovery.manage' }, schema: { tags: TAG, summary: '批准核销（须由申请人以外的人员）', params: IdParam } }, async (req) => {
    const user = requirePermission(req, 'recovery.manage');
    return recoveryView(await approveWriteOff(db, user, user.countyCode, req.params.id));
  });

  r.get('/subsidy/dashboard', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '首页数字：本年发放人数和金额、发放成功率、发现多发金额、已追回金额和追回率',
    querystring: z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() }) } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    const year = req.query.year ?? new Date(Date.now() + 8 * 3600000).getUTCFullYear();
    const [paid, cases] = await Promise.all([paidFigures(db, user.countyCode, year, scopeOf(user)), caseFigures(db, user.countyCode, user)]);
    return { year, paid, ...cases };
  });
}
