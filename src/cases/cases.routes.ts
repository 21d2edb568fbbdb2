// HTTP for cross-check runs (upload, start, progress, findings as FORMATS §6 CSV), cases
// (list, verify, turn into 核减), the recovery ledger and the subsidy dashboard figures.
// Thin: the permission here; region scope (township officers see their own township only),
// the status rules and the audit in cases.service.ts and runs.service.ts.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import * as C from './cases.contract.ts';
import { IdParam } from './cases.contract.ts';
import { attachmentDisposition, fileAnswer } from '../shared/http/attachment.ts';
import { requirePermission, actorOf, unmaskAllowed, maskId } from '../auth/index.ts';
import { maskDeep } from '../shared/mask.ts';
import { AppError } from '../shared/errors.ts';
import { receiveUpload } from '../shared/http/upload.ts';
import type { AppContext } from '../shared/context.ts';
import { findingsCsv } from '../crosscheck/index.ts';
import { uploadInput, listInputs, startRun, getRun, listRuns, findingsPage, findingsExport } from './runs.service.ts';
import {
  casePage,
  viewCase,
  personCases,
  verifyCase,
  caseToRemoval,
  listRecovery,
  getRecovery,
  addInstalment,
  requestWriteOff,
  approveWriteOff,
  recoveryTotals,
  dashboard,
} from './cases.service.ts';
import type { Case } from './cases.contract.ts';

const TAG = ['交叉核对与追缴'];
const MAX_UPLOAD = 512 * 1024 * 1024;
export { VerifyBody, RunBody, InstalmentBody } from './cases.contract.ts';

const caseView = (c: Case, unmasked: boolean) => (unmasked ? c : { ...maskDeep(c), idNumber: maskId(c.idNumber) });
/** Recovery items are always shown masked (the ledger needs no full ID), their answers to changes too. */
const recoveryView = <T extends { idNumber: string }>(i: T): T => ({ ...maskDeep(i), idNumber: maskId(i.idNumber) });

export async function registerCasesRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = ctx.database.db;

  r.post(
    '/crosscheck/inputs',
    {
      config: { permission: 'crosscheck.run', countyLevel: true },
      schema: {
        tags: TAG,
        summary: '上传核对数据（死亡名单、户籍信息、其他县花名册、发放明细；multipart，字段file；同一文件只保存一次）',
        querystring: C.InputQuery,
        consumes: ['multipart/form-data'],
        response: { 201: C.UploadedInput },
      },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'crosscheck.run');
      const file = await receiveUpload(req, { maxBytes: MAX_UPLOAD, what: '核对数据文件' });
      let saved: Awaited<ReturnType<typeof uploadInput>>;
      try {
        saved = await uploadInput(db, actorOf(user), user.countyCode, req.query.kind, {
          filename: file.filename,
          path: file.path,
          sha256: file.sha256,
          label: req.query.label,
        });
      } finally {
        await file.remove();
      }
      return reply.status(201).send({ ...saved, problems: saved.problems.slice(0, 200), problemCount: saved.problemCount });
    },
  );
  r.get(
    '/crosscheck/inputs',
    { config: { permission: 'crosscheck.run' }, schema: { tags: TAG, summary: '已上传的核对数据', response: { 200: C.InputList } } },
    async (req) => {
      const user = requirePermission(req, 'crosscheck.run');
      return { inputs: await listInputs(db, user.countyCode) };
    },
  );
  r.post(
    '/crosscheck/runs',
    {
      config: { permission: 'crosscheck.run', countyLevel: true },
      schema: {
        tags: TAG,
        summary: '开始核对（花名册和已记录的发放结果，对照所选数据；后台任务，GET /api/jobs/:jobId 查看进度）',
        body: C.RunBody,
        response: { 202: C.RunSchema },
      },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'crosscheck.run');
      return reply.status(202).send(await startRun(db, actorOf(user), user.countyCode, req.body));
    },
  );
  r.get(
    '/crosscheck/runs',
    { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '核对记录（输入文件校验值和行数、结果统计）', response: { 200: C.RunList } } },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      return { runs: await listRuns(db, user.countyCode) };
    },
  );
  r.get(
    '/crosscheck/runs/:id',
    { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '一次核对的详情', params: IdParam, response: { 200: C.RunSchema } } },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      return getRun(db, user.countyCode, req.params.id);
    },
  );
  r.get(
    '/crosscheck/runs/:id/findings',
    {
      config: { permission: 'subsidy.read' },
      schema: { tags: TAG, summary: '核对发现的问题（分页）', params: IdParam, querystring: C.FindingsQuery, response: { 200: C.FindingPage } },
    },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      const q = req.query;
      const unmasked = unmaskAllowed(req);
      const res = await findingsPage(db, user, req.params.id, { code: q.code, offset: (q.page - 1) * q.pageSize, limit: q.pageSize }, unmasked);
      return { total: res.total, masked: !unmasked, findings: res.findings.map((f) => (unmasked ? f : { ...maskDeep(f), idNumber: maskId(f.idNumber) })) };
    },
  );
  r.get(
    '/crosscheck/runs/:id/findings.csv',
    {
      config: { permission: 'subsidy.read' },
      schema: {
        tags: TAG,
        summary: '导出核查结果（FORMATS §6：CSV，UTF-8带BOM；完整身份证号，记审计）',
        params: IdParam,
        response: { 200: fileAnswer('核查结果 CSV（FORMATS §6）') },
      },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'subsidy.read');
      if (!unmaskAllowed(req, { requireAsk: false })) throw new AppError('FORBIDDEN', '您的角色不能导出含完整身份证号的核查结果');
      const { run, findings } = await findingsExport(db, user, req.params.id);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', attachmentDisposition(`核查结果_${run.id}.csv`, 'findings.csv'))
        .send(findingsCsv(findings));
    },
  );

  r.get(
    '/cases',
    {
      config: { permission: 'subsidy.read' },
      schema: {
        tags: TAG,
        summary: '疑似问题（按状态、结论、问题类型、乡镇筛选；乡镇专干只看本乡镇）',
        querystring: C.CasesQuery,
        response: { 200: C.CasePage },
      },
    },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      const q = req.query;
      const unmasked = unmaskAllowed(req);
      const res = await casePage(db, user, { ...q, offset: (q.page - 1) * q.pageSize, limit: q.pageSize }, unmasked, { query: q });
      return { ...res, masked: !unmasked, cases: res.cases.map((c) => caseView(c, unmasked)) };
    },
  );
  r.get(
    '/cases/:id',
    {
      config: { permission: 'subsidy.read' },
      schema: { tags: TAG, summary: '疑似问题详情', params: IdParam, querystring: C.UnmaskQuery, response: { 200: C.CaseSchema } },
    },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      const unmasked = unmaskAllowed(req);
      return caseView(await viewCase(db, user, req.params.id, unmasked), unmasked);
    },
  );
  r.get(
    '/cases/persons/:id',
    {
      config: { permission: 'subsidy.read' },
      schema: { tags: TAG, summary: '一个人的交叉核对问题（人员页）', params: IdParam, response: { 200: C.PersonCases } },
    },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      return { cases: (await personCases(db, user, req.params.id)).map((c) => caseView(c, false)) };
    },
  );
  r.post(
    '/cases/:id/verify',
    {
      config: { permission: 'cases.work' },
      schema: {
        tags: TAG,
        summary: '核实（违规/误报，填写依据；违规的多发金额自动进入追缴台账）',
        params: IdParam,
        body: C.VerifyBody,
        response: { 200: C.CaseSchema },
      },
    },
    async (req) => {
      const user = requirePermission(req, 'cases.work');
      return caseView(await verifyCase(db, user, user.countyCode, req.params.id, req.body), false);
    },
  );
  r.post(
    '/cases/:id/removal',
    {
      config: { permission: 'adjustment.enter' },
      schema: {
        tags: TAG,
        summary: '核实为违规的死亡、重复登记一键转为核减调整（待县中心审批；核减日期默认取佐证材料中的死亡日期，可确认或修改）',
        params: IdParam,
        body: C.RemovalBody,
        response: { 201: C.RemovalMade },
      },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'adjustment.enter');
      return reply.status(201).send(await caseToRemoval(db, user, user.countyCode, req.params.id, req.body));
    },
  );

  r.get(
    '/recovery',
    { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '追缴台账', querystring: C.RecoveryQuery, response: { 200: C.RecoveryPage } } },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      const q = req.query;
      const res = await listRecovery(db, user.countyCode, user, { ...q, offset: (q.page - 1) * q.pageSize, limit: q.pageSize });
      return { ...res, items: res.items.map(recoveryView) };
    },
  );
  r.get(
    '/recovery/totals',
    {
      config: { permission: 'subsidy.read' },
      schema: { tags: TAG, summary: '追缴合计（按乡镇、年度）', querystring: C.YearQuery, response: { 200: C.RecoveryTotals } },
    },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      return { totals: await recoveryTotals(db, user.countyCode, user, req.query.year) };
    },
  );
  r.get(
    '/recovery/:id',
    {
      config: { permission: 'subsidy.read' },
      schema: { tags: TAG, summary: '追缴记录（含收款明细）', params: IdParam, response: { 200: C.RecoveryItemSchema } },
    },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      const i = await getRecovery(db, user.countyCode, user, req.params.id);
      return recoveryView(i);
    },
  );
  r.post(
    '/recovery/:id/instalments',
    {
      config: { permission: 'recovery.manage' },
      schema: { tags: TAG, summary: '登记收回款项（日期、金额、收据号）', params: IdParam, body: C.InstalmentBody, response: { 200: C.RecoveryItemSchema } },
    },
    async (req) => {
      const user = requirePermission(req, 'recovery.manage');
      return recoveryView(await addInstalment(db, user, user.countyCode, req.params.id, req.body));
    },
  );
  r.post(
    '/recovery/:id/writeoff-request',
    {
      config: { permission: 'recovery.manage' },
      schema: { tags: TAG, summary: '申请核销', params: IdParam, body: C.WriteOffBody, response: { 200: C.RecoveryItemSchema } },
    },
    async (req) => {
      const user = requirePermission(req, 'recovery.manage');
      return recoveryView(await requestWriteOff(db, user, user.countyCode, req.params.id, req.body.reason));
    },
  );
  r.post(
    '/recovery/:id/writeoff-approve',
    {
      config: { permission: 'recovery.manage' },
      schema: { tags: TAG, summary: '批准核销（须由申请人以外的人员）', params: IdParam, response: { 200: C.RecoveryItemSchema } },
    },
    async (req) => {
      const user = requirePermission(req, 'recovery.manage');
      return recoveryView(await approveWriteOff(db, user, user.countyCode, req.params.id));
    },
  );

  r.get(
    '/subsidy/dashboard',
    {
      config: { permission: 'subsidy.read' },
      schema: {
        tags: TAG,
        summary: '首页数字：本年发放人数和金额、发放成功率、发现多发金额、已追回金额和追回率',
        querystring: C.DashboardQuery,
        response: { 200: C.Dashboard },
      },
    },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      const year = req.query.year ?? new Date(Date.now() + 8 * 3600000).getUTCFullYear();
      return dashboard(db, user, year);
    },
  );
}
