// HTTP for the direct subsidy: settings, bank templates, payment rolls (build, lines, review,
// bank file, result import, failures, supplementary rolls, notice lists). Handlers are thin:
// permission and scope here, the work in the stores. ID numbers and accounts masked unless asked
// for by a role that may see them (audited).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import { requirePermission, actorOf, unmaskAllowed, auditUnmaskedView, auditIdSearch, maskAccount, maskId, type SessionUser } from '../auth/index.ts';
import { appendAudit } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { receiveUpload } from '../shared/http/upload.ts';
import { attachmentDisposition } from '../shared/http/attachment.ts';
import { todayIso } from '../shared/dates.ts';
import type { AppContext } from '../shared/context.ts';
import { SUBSIDY_DEFAULTS, SETTING_KEYS, settingsInForce } from './settings.ts';
import { listSettingRows, saveSettings } from './settings.store.ts';
import { buildPayroll, rebuildPayroll, mustGetPayroll, listPayrolls, listLines, listExclusions, reviewPayroll, closePayroll, deletePayroll, listFailures, type PaymentLine } from './payroll.store.ts';
import { listTemplates, saveTemplate, prepareBankExport, writeBankFile } from './bankfile.store.ts';
import { importBankReturn } from './bankreturn.store.ts';
import { payrollSubtotals, personPayments } from './subtotals.store.ts';
import { personIdentity } from '../registry/index.ts';
import { noticeRows, noticeHtml, noticeXlsx } from './notice.ts';
import { STATUS_NAMES, KIND_NAMES, RESULT_NAMES, FLAG_NAMES } from './payroll.ts';

const TAG = ['直补发放'];
const IdParam = z.object({ id: z.coerce.number().int().positive() });
const PeriodText = z.string().regex(/^\d{4}(H[12])?$/, '发放期间应为如2025或2025H1');
const flag = z.union([z.boolean(), z.enum(['1', '0', 'true', 'false'])]).optional();
const MAX_UPLOAD = 200 * 1024 * 1024;
const SubtotalView = z.object({ code: z.string(), name: z.string(), township: z.string(), persons: z.number(), amountFen: z.number(),
  success: z.number(), successFen: z.number(), failure: z.number(), failureFen: z.number(), pending: z.number() });

export const SettingsBody = z.object({
  effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '生效日期应为YYYY-MM-DD'),
  values: z.object({
    standardFen: z.number().int().positive().optional(), periodKind: z.enum(['annual', 'half-year']).optional(),
    termYears: z.number().int().min(1).max(50).optional(), accountFallback: z.enum(['own', 'head']).optional(),
  }),
});
export const BuildBody = z.object({ period: PeriodText, kind: z.enum(['regular', 'supplementary']).default('regular'), remarks: z.string().max(500).optional() });
export const LinesQuery = z.object({
  townshipCode: z.string().regex(/^\d{9}$/).optional(), villageCode: z.string().regex(/^\d{12}$/).optional(),
  result: z.enum(['pending', 'success', 'failure']).optional(), flag: z.enum(['no_account', 'invalid_id', 'duplicate_registry', 'head_account']).optional(),
  q: z.string().max(40).optional(), page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(500).default(50), unmask: flag,
});

function payrollView(p: Awaited<ReturnType<typeof mustGetPayroll>>) {
  return { ...p, statusName: STATUS_NAMES[p.status], kindName: KIND_NAMES[p.kind] };
}

function lineView(l: PaymentLine, unmasked: boolean) {
  return { ...l, idNumber: unmasked ? l.idNumber : maskId(l.idNumber), accountNo: unmasked ? l.accountNo : maskAccount(l.accountNo),
    resultName: RESULT_NAMES[l.result], flagNames: l.flags.map((f) => FLAG_NAMES[f] ?? f) };
}

/** township officers: their township only; county users: the whole county */
const scopeOf = (user: SessionUser) => (user.regionCode.length > 6 ? user.regionCode : undefined);

async function maybeAuditUnmasked(ctx: AppContext, req: FastifyRequest, user: SessionUser, entityId: number, count: number, detail: Record<string, unknown>) {
  const unmasked = unmaskAllowed(req);
  if (unmasked) await auditUnmaskedView(ctx.database.db, user, { entityType: 'payroll', entityId, countyCode: user.countyCode, fields: ['idNumber', 'accountNo'], count, detail });
  return unmasked;
}

function attachment(reply: FastifyReply, filename: string, type: string) {
  return reply.header('content-type', type).header('content-disposition', attachmentDisposition(filename));
}

export async function registerSubsidyRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = ctx.database.db;

  r.get('/subsidy/settings', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '直补设置（全部生效日期的记录和今天生效的值）', querystring: z.object({ date: z.string().optional() }) } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    const rows = await listSettingRows(db, user.countyCode);
    return { rows, keys: SETTING_KEYS, defaults: SUBSIDY_DEFAULTS, inForce: settingsInForce(rows, req.query.date ?? todayIso()) };
  });
  r.put('/subsidy/settings', { config: { permission: 'settings.manage', countyLevel: true }, schema: { tags: TAG, summary: '自某日起修改直补设置（过去的期间仍按原规则）', body: SettingsBody } }, async (req) => {
    const user = requirePermission(req, 'settings.manage');
    const rows = await saveSettings(db, actorOf(user), user.countyCode, req.body.effectiveFrom, req.body.values);
    return { rows, inForce: settingsInForce(rows, todayIso()) };
  });

  r.get('/subsidy/bank-templates', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '银行文件模板（内置和本县自定义）' } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    return { templates: await listTemplates(db, user.countyCode) };
  });
  r.put('/subsidy/bank-templates', { config: { permission: 'subsidy.manage', countyLevel: true }, schema: { tags: TAG, summary: '保存本县银行文件模板（列、表头、顺序、编码、格式）', body: z.record(z.string(), z.unknown()) } }, async (req) => {
    const user = requirePermission(req, 'subsidy.manage');
    return { template: await saveTemplate(db, actorOf(user), user.countyCode, req.body) };
  });

  r.get('/subsidy/payrolls', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '发放批次列表', querystring: z.object({ period: PeriodText.optional() }) } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    return { payrolls: (await listPayrolls(db, user.countyCode, { period: req.query.period })).map((p) => ({ ...p, statusName: STATUS_NAMES[p.status], kindName: KIND_NAMES[p.kind] })) };
  });
  r.post('/subsidy/payrolls', { config: { permission: 'subsidy.manage', countyLevel: true }, schema: { tags: TAG, summary: '编制发放批次（正常发放或补发；按期间首日的花名册和设置）', body: BuildBody } }, async (req, reply) => {
    const user = requirePermission(req, 'subsidy.manage');
    const p = await buildPayroll(db, actorOf(user), { countyCode: user.countyCode, period: req.body.period, kind: req.body.kind, remarks: req.body.remarks });
    return reply.status(201).send(payrollView(p));
  });
  r.get('/subsidy/payrolls/:id', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '发放批次详情（人数、金额、结果统计、规则）', params: IdParam } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    return payrollView(await mustGetPayroll(db, user.countyCode, req.params.id));
  });
  r.get('/subsidy/payrolls/:id/lines', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '批次明细（分页；每行的金额依据；默认遮蔽身份证号和账号）', params: IdParam, querystring: LinesQuery } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    await mustGetPayroll(db, user.countyCode, req.params.id);
    const q = req.query;
    const res = await listLines(db, user.countyCode, req.params.id, { ...q, scope: scopeOf(user), offset: (q.page - 1) * q.pageSize, limit: q.pageSize });
    await auditIdSearch(db, user, { entityType: 'payroll', entityId: req.params.id, q: q.q, count: res.total });
    const unmasked = await maybeAuditUnmasked(ctx, req, user, req.params.id, res.lines.length, { query: q });
    return { total: res.total, page: q.page, pageSize: q.pageSize, masked: !unmasked, lines: res.lines.map((l) => lineView(l, unmasked)) };
  });
  r.get('/subsidy/payrolls/:id/exclusions', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '未列入批次的人员及原因', params: IdParam,
    querystring: z.object({ page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(500).default(100) }) } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    const rows = await listExclusions(db, user.countyCode, req.params.id, (req.query.page - 1) * req.query.pageSize, req.query.pageSize);
    return { items: rows.filter((x) => !scopeOf(user) || x.villageCode.startsWith(user.regionCode)).map((x) => ({ ...x, idNumber: maskId(x.idNumber) })) };
  });
  r.get('/subsidy/payrolls/:id/subtotals', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '批次按乡镇、村小计（人数、金额、成功、失败、待发放）', params: IdParam,
    response: { 200: z.object({ townships: z.array(SubtotalView), villages: z.array(SubtotalView) }) } } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    await mustGetPayroll(db, user.countyCode, req.params.id);
    return payrollSubtotals(db, user.countyCode, req.params.id, scopeOf(user));
  });
  r.get('/subsidy/persons/:id/payments', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '一个人历次的发放记录（人员页；身份证号、账号遮蔽）', params: IdParam } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    const who = await personIdentity(db, user.countyCode, req.params.id);
    // outside the user's region the person does not exist for them
    if (!who || !who.villageCode.startsWith(user.regionCode)) throw new AppError('NOT_FOUND', `人员${req.params.id}不存在`);
    const lines = await personPayments(db, user.countyCode, who.idNumber, scopeOf(user));
    return { payments: lines.map((l) => ({ ...lineView(l, false), payrollId: l.payrollId, batchNo: l.batchNo, kind: l.kind, kindName: KIND_NAMES[l.kind as keyof typeof KIND_NAMES] ?? l.kind, period: l.period, paidDate: l.paidDate })) };
  });
  for (const [action, fn, summary] of [['review', reviewPayroll, '审核'], ['close', closePayroll, '关闭（全部有结果后）'], ['rebuild', rebuildPayroll, '重新生成草稿']] as const) {
    r.post(`/subsidy/payrolls/:id/${action}`, { config: { permission: 'subsidy.manage', countyLevel: true }, schema: { tags: TAG, summary, params: IdParam } }, async (req) => {
      const user = requirePermission(req, 'subsidy.manage');
      return payrollView(await fn(db, actorOf(user), user.countyCode, req.params.id));
    });
  }
  r.delete('/subsidy/payrolls/:id', { config: { permission: 'subsidy.manage', countyLevel: true }, schema: { tags: TAG, summary: '删除草稿批次', params: IdParam } }, async (req) => {
    const user = requirePermission(req, 'subsidy.manage');
    await deletePayroll(db, actorOf(user), user.countyCode, req.params.id);
    return { ok: true };
  });

  r.post('/subsidy/payrolls/:id/bank-file', { config: { permission: 'subsidy.manage', countyLevel: true }, schema: { tags: TAG, summary: '导出银行发放文件（按模板；流式；记审计；无账号者记为失败待补发）', params: IdParam,
    querystring: z.object({ template: z.string().max(40).default('generic') }) } }, async (req, reply) => {
    const user = requirePermission(req, 'subsidy.manage');
    const prep = await prepareBankExport(db, actorOf(user), user.countyCode, req.params.id, req.query.template);
    const out = new PassThrough();
    void writeBankFile(db, user.countyCode, req.params.id, prep.tpl, prep.batchNo, out).catch((e) => out.destroy(e));
    attachment(reply, prep.fileName, prep.tpl.container === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : `text/csv; charset=${prep.tpl.encoding === 'gb18030' ? 'gb18030' : 'utf-8'}`);
    reply.header('x-anju-rows', String(prep.rows)).header('x-anju-total-fen', String(prep.totalFen));
    return reply.send(out);
  });

  r.post('/subsidy/payrolls/:id/results', { config: { permission: 'subsidy.manage', countyLevel: true }, schema: { tags: TAG, summary: '导入银行回盘（multipart，字段file；不属于本批次的文件整体拒绝；同一文件重复导入不改变任何数据）', params: IdParam,
    querystring: z.object({ template: z.string().max(40).optional() }), consumes: ['multipart/form-data'] } }, async (req) => {
    const user = requirePermission(req, 'subsidy.manage');
    const file = await receiveUpload(req, { maxBytes: MAX_UPLOAD, what: '回盘文件' });
    try {
      return await importBankReturn(db, actorOf(user), user.countyCode, req.params.id, { filename: file.filename, content: await file.read(), templateCode: req.query.template });
    } finally { await file.remove(); }
  });

  r.get('/subsidy/failures', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '发放失败、尚未补发的人员（补发名单）', querystring: z.object({ period: PeriodText, unmask: flag }) } }, async (req) => {
    const user = requirePermission(req, 'subsidy.read');
    const rows = await listFailures(db, user.countyCode, req.query.period, scopeOf(user));
    const unmasked = await maybeAuditUnmasked(ctx, req, user, 0, rows.length, { failures: req.query.period });
    return { period: req.query.period, total: rows.length, masked: !unmasked, lines: rows.map((l) => ({ ...lineView(l, unmasked), payrollId: l.payrollId, batchNo: l.batchNo })) };
  });

  r.get('/subsidy/payrolls/:id/notice', { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '村级公示名单（姓名、村、金额、遮蔽的身份证号；format=html 可打印，xlsx 表格）', params: IdParam,
    querystring: z.object({ format: z.enum(['html', 'xlsx']).default('html'), villageCode: z.string().regex(/^\d{9,12}$/).optional() }) } }, async (req, reply) => {
    const user = requirePermission(req, 'subsidy.read');
    const p = await mustGetPayroll(db, user.countyCode, req.params.id);
    const scope = req.query.villageCode && (!scopeOf(user) || req.query.villageCode.startsWith(user.regionCode)) ? req.query.villageCode : scopeOf(user);
    const rows = await noticeRows(db, user.countyCode, p.id, scope);
    const title = `${p.period.replace(/H1$/, '年上半年').replace(/H2$/, '年下半年').replace(/^(\d{4})$/, '$1年度')}水库移民后期扶持直补资金${p.kind === 'supplementary' ? '补发' : '发放'}公示`;
    await appendAudit(db, actorOf(user), { action: 'payroll.notice_export', entityType: 'payroll', entityId: p.id, countyCode: user.countyCode, detail: { format: req.query.format, rows: rows.length, scope: scope ?? null } });
    if (req.query.format === 'xlsx') return attachment(reply, `公示名单_${p.batchNo}.xlsx`, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await noticeXlsx(title, rows));
    return reply.header('content-type', 'text/html; charset=utf-8').send(noticeHtml(title, rows));
  });
}
