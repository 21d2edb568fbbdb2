// HTTP for the direct subsidy: settings, bank templates, payment rolls (build, lines, review,
// bank file, result import, failures, supplementary rolls, notice lists). Handlers are thin:
// the permission here, the work (region scope, status machine, audit) in subsidy.service.ts.
// ID numbers and accounts masked unless asked for by a role that may see them (audited).
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { PassThrough } from 'node:stream';
import * as C from './subsidy.contract.ts';
import { IdParam, STATUS_NAMES, KIND_NAMES, RESULT_NAMES, FLAG_NAMES, type Payroll, type PaymentLine } from './subsidy.contract.ts';
import { requirePermission, actorOf, unmaskAllowed, maskAccount, maskId } from '../auth/index.ts';
import { receiveUpload } from '../shared/http/upload.ts';
import { attachmentDisposition, fileAnswer } from '../shared/http/attachment.ts';
import { todayIso } from '../shared/dates.ts';
import type { AppContext } from '../shared/context.ts';
import { settingsInForce } from './settings.ts';
import * as S from './subsidy.service.ts';
import { noticeHtml, noticeXlsx } from './notice.ts';

const TAG = ['直补发放'];
const MAX_UPLOAD = 200 * 1024 * 1024;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export { SettingsBody, BuildBody, LinesQuery } from './subsidy.contract.ts';

function payrollView(p: Payroll) {
  return { ...p, statusName: STATUS_NAMES[p.status], kindName: KIND_NAMES[p.kind] };
}

function lineView(l: PaymentLine, unmasked: boolean) {
  return {
    ...l,
    idNumber: unmasked ? l.idNumber : maskId(l.idNumber),
    accountNo: unmasked ? l.accountNo : maskAccount(l.accountNo),
    resultName: RESULT_NAMES[l.result],
    flagNames: l.flags.map((f) => FLAG_NAMES[f] ?? f),
  };
}

function attachment(reply: FastifyReply, filename: string, type: string) {
  return reply.header('content-type', type).header('content-disposition', attachmentDisposition(filename));
}

export async function registerSubsidyRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = ctx.database.db;

  r.get(
    '/subsidy/settings',
    {
      config: { permission: 'subsidy.read' },
      schema: { tags: TAG, summary: '直补设置（全部生效日期的记录和今天生效的值）', querystring: C.SettingsQuery, response: { 200: C.SettingsView } },
    },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      return S.settingsView(db, user, req.query.date);
    },
  );
  r.put(
    '/subsidy/settings',
    {
      config: { permission: 'settings.manage', countyLevel: true },
      schema: { tags: TAG, summary: '自某日起修改直补设置（过去的期间仍按原规则）', body: C.SettingsBody, response: { 200: C.SettingsSaved } },
    },
    async (req) => {
      const user = requirePermission(req, 'settings.manage');
      const rows = await S.saveSettings(db, actorOf(user), user.countyCode, req.body.effectiveFrom, req.body.values);
      return { rows, inForce: settingsInForce(rows, todayIso()) };
    },
  );

  r.get(
    '/subsidy/bank-templates',
    { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '银行文件模板（内置和本县自定义）', response: { 200: C.TemplateList } } },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      return { templates: await S.listTemplates(db, user.countyCode) };
    },
  );
  r.put(
    '/subsidy/bank-templates',
    {
      config: { permission: 'subsidy.manage', countyLevel: true },
      schema: { tags: TAG, summary: '保存本县银行文件模板（列、表头、顺序、编码、格式）', body: C.TemplateBody, response: { 200: C.TemplateSaved } },
    },
    async (req) => {
      const user = requirePermission(req, 'subsidy.manage');
      return { template: await S.saveTemplate(db, actorOf(user), user.countyCode, req.body) };
    },
  );

  r.get(
    '/subsidy/payrolls',
    { config: { permission: 'subsidy.read' }, schema: { tags: TAG, summary: '发放批次列表', querystring: C.PayrollsQuery, response: { 200: C.PayrollList } } },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      return { payrolls: (await S.listPayrolls(db, user.countyCode, { period: req.query.period })).map(payrollView) };
    },
  );
  r.post(
    '/subsidy/payrolls',
    {
      config: { permission: 'subsidy.manage', countyLevel: true },
      schema: { tags: TAG, summary: '编制发放批次（正常发放或补发；按期间首日的花名册和设置）', body: C.BuildBody, response: { 201: C.PayrollView } },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'subsidy.manage');
      const p = await S.buildPayroll(db, actorOf(user), {
        countyCode: user.countyCode,
        period: req.body.period,
        kind: req.body.kind,
        remarks: req.body.remarks,
      });
      return reply.status(201).send(payrollView(p));
    },
  );
  r.get(
    '/subsidy/payrolls/:id',
    {
      config: { permission: 'subsidy.read' },
      schema: { tags: TAG, summary: '发放批次详情（人数、金额、结果统计、规则）', params: IdParam, response: { 200: C.PayrollView } },
    },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      return payrollView(await S.mustGetPayroll(db, user.countyCode, req.params.id));
    },
  );
  r.get(
    '/subsidy/payrolls/:id/lines',
    {
      config: { permission: 'subsidy.read' },
      schema: {
        tags: TAG,
        summary: '批次明细（分页；每行的金额依据；默认遮蔽身份证号和账号）',
        params: IdParam,
        querystring: C.LinesQuery,
        response: { 200: C.LinePage },
      },
    },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      const q = req.query;
      const unmasked = unmaskAllowed(req);
      const res = await S.payrollLines(db, user, req.params.id, { ...q, offset: (q.page - 1) * q.pageSize, limit: q.pageSize }, unmasked, { query: q });
      return { total: res.total, page: q.page, pageSize: q.pageSize, masked: !unmasked, lines: res.lines.map((l) => lineView(l, unmasked)) };
    },
  );
  r.get(
    '/subsidy/payrolls/:id/exclusions',
    {
      config: { permission: 'subsidy.read' },
      schema: { tags: TAG, summary: '未列入批次的人员及原因', params: IdParam, querystring: C.ExclusionsQuery, response: { 200: C.ExclusionList } },
    },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      const rows = await S.payrollExclusions(db, user, req.params.id, (req.query.page - 1) * req.query.pageSize, req.query.pageSize);
      return { items: rows.map((x) => ({ ...x, idNumber: maskId(x.idNumber) })) };
    },
  );
  r.get(
    '/subsidy/payrolls/:id/subtotals',
    {
      config: { permission: 'subsidy.read' },
      schema: { tags: TAG, summary: '批次按乡镇、村小计（人数、金额、成功、失败、待发放）', params: IdParam, response: { 200: C.Subtotals } },
    },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      return S.subtotalsOf(db, user, req.params.id);
    },
  );
  r.get(
    '/subsidy/persons/:id/payments',
    {
      config: { permission: 'subsidy.read' },
      schema: { tags: TAG, summary: '一个人历次的发放记录（人员页；身份证号、账号遮蔽）', params: IdParam, response: { 200: C.PersonPayments } },
    },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      const lines = await S.personPayments(db, user, req.params.id);
      return {
        payments: lines.map((l) => ({
          ...lineView(l, false),
          payrollId: l.payrollId,
          batchNo: l.batchNo,
          kind: l.kind,
          kindName: KIND_NAMES[l.kind as keyof typeof KIND_NAMES] ?? l.kind,
          period: l.period,
          paidDate: l.paidDate,
        })),
      };
    },
  );
  for (const [action, fn, summary] of [
    ['review', S.reviewPayroll, '审核'],
    ['close', S.closePayroll, '关闭（全部有结果后）'],
    ['rebuild', S.rebuildPayroll, '重新生成草稿'],
  ] as const) {
    r.post(
      `/subsidy/payrolls/:id/${action}`,
      { config: { permission: 'subsidy.manage', countyLevel: true }, schema: { tags: TAG, summary, params: IdParam, response: { 200: C.PayrollView } } },
      async (req) => {
        const user = requirePermission(req, 'subsidy.manage');
        return payrollView(await fn(db, actorOf(user), user.countyCode, req.params.id));
      },
    );
  }
  r.delete(
    '/subsidy/payrolls/:id',
    {
      config: { permission: 'subsidy.manage', countyLevel: true },
      schema: { tags: TAG, summary: '删除草稿批次', params: IdParam, response: { 200: C.Deleted } },
    },
    async (req) => {
      const user = requirePermission(req, 'subsidy.manage');
      await S.deletePayroll(db, actorOf(user), user.countyCode, req.params.id);
      return { ok: true as const };
    },
  );

  r.post(
    '/subsidy/payrolls/:id/bank-file',
    {
      config: { permission: 'subsidy.manage', countyLevel: true },
      schema: {
        tags: TAG,
        summary: '导出银行发放文件（按模板；流式；记审计；无账号者记为失败待补发）',
        params: IdParam,
        querystring: C.BankFileQuery,
        response: { 200: fileAnswer('银行发放文件（CSV或Excel，按模板）') },
      },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'subsidy.manage');
      const prep = await S.prepareBankExport(db, actorOf(user), user.countyCode, req.params.id, req.query.template);
      const out = new PassThrough();
      void S.writeBankFile(db, user.countyCode, req.params.id, prep.tpl, prep.batchNo, out).catch((e) => out.destroy(e));
      // a stream is sent as is: the answer schema only describes it
      return attachment(
        reply,
        prep.fileName,
        prep.tpl.container === 'xlsx' ? XLSX : `text/csv; charset=${prep.tpl.encoding === 'gb18030' ? 'gb18030' : 'utf-8'}`,
      )
        .header('x-anju-rows', String(prep.rows))
        .header('x-anju-total-fen', String(prep.totalFen))
        .send(out);
    },
  );

  r.post(
    '/subsidy/payrolls/:id/results',
    {
      config: { permission: 'subsidy.manage', countyLevel: true },
      schema: {
        tags: TAG,
        summary: '导入银行回盘（multipart，字段file；不属于本批次的文件整体拒绝；同一文件重复导入不改变任何数据）',
        params: IdParam,
        querystring: C.ResultsQuery,
        consumes: ['multipart/form-data'],
        response: { 200: C.ImportSummarySchema },
      },
    },
    async (req) => {
      const user = requirePermission(req, 'subsidy.manage');
      const file = await receiveUpload(req, { maxBytes: MAX_UPLOAD, what: '回盘文件' });
      try {
        return await S.importBankReturn(db, actorOf(user), user.countyCode, req.params.id, {
          filename: file.filename,
          content: await file.read(),
          templateCode: req.query.template,
        });
      } finally {
        await file.remove();
      }
    },
  );

  r.get(
    '/subsidy/failures',
    {
      config: { permission: 'subsidy.read' },
      schema: { tags: TAG, summary: '发放失败、尚未补发的人员（补发名单）', querystring: C.FailuresQuery, response: { 200: C.FailureList } },
    },
    async (req) => {
      const user = requirePermission(req, 'subsidy.read');
      const unmasked = unmaskAllowed(req);
      const rows = await S.failuresOf(db, user, req.query.period, unmasked);
      return {
        period: req.query.period,
        total: rows.length,
        masked: !unmasked,
        lines: rows.map((l) => ({ ...lineView(l, unmasked), payrollId: l.payrollId, batchNo: l.batchNo })),
      };
    },
  );

  r.get(
    '/subsidy/payrolls/:id/notice',
    {
      config: { permission: 'subsidy.read' },
      schema: {
        tags: TAG,
        summary: '村级公示名单（姓名、村、金额、遮蔽的身份证号；format=html 可打印，xlsx 表格）',
        params: IdParam,
        querystring: C.NoticeQuery,
        response: { 200: fileAnswer('公示名单（可打印的网页或Excel）') },
      },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'subsidy.read');
      const { payroll: p, title, rows } = await S.noticeOf(db, user, actorOf(user), req.params.id, req.query.format, req.query.villageCode);
      if (req.query.format === 'xlsx') return attachment(reply, `公示名单_${p.batchNo}.xlsx`, XLSX).send(await noticeXlsx(title, rows));
      return reply.header('content-type', 'text/html; charset=utf-8').send(noticeHtml(title, rows));
    },
  );
}
