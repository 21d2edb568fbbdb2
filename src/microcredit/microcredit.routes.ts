// HTTP for microcredit: bank-file imports, loans (list, page, handling notes), due and overdue
// boards, balances and figures, and the quarterly subsidy runs with their public list and bank
// file. Thin: the permission here, scope and the work in the services; every request and response
// shape in microcredit.contract.ts. ID numbers masked unless asked for by a role that may see them.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requirePermission, actorOf, unmaskAllowed } from '../auth/index.ts';
import { noticeHtml, noticeXlsx } from '../subsidy/index.ts';
import { AppError } from '../shared/errors.ts';
import { attachmentDisposition, fileAnswer } from '../shared/http/attachment.ts';
import type { AppContext } from '../shared/context.ts';
import { importBook, computeRun, advanceRun, getImport, listImports, runNotice, runBankFile, type UploadedFile } from './microcredit.service.ts';
import * as view from './loans.service.ts';
import * as C from './microcredit.contract.ts';
import { receiveUploads, type ReceivedFile } from '../shared/http/upload.ts';

const TAG = ['小额信贷'];
const MAX_UPLOAD = 200 * 1024 * 1024;
/** Fastify sends a Buffer as it is; the answer schema (fileAnswer) names it a binary string. */

export async function registerMicrocreditRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = ctx.database.db;

  r.post(
    '/microcredit/imports',
    {
      config: { permission: 'microcredit.manage' },
      schema: {
        tags: TAG,
        consumes: ['multipart/form-data'],
        summary:
          '导入银行的贷款台账、还款记录和贴息利率表（multipart 字段 loans、repayments、rates；一个事务；同样的文件再导入不改变任何数据；dryRun 只预览拒收行）',
        querystring: C.ImportQuery,
        response: { 200: C.ImportResult },
      },
    },
    async (req) => {
      const user = requirePermission(req, 'microcredit.manage');
      view.assertCountyUser(user);
      if (!req.isMultipart()) throw new AppError('BAD_REQUEST', C.MESSAGES.FILES_MISSING);
      const { files, remove } = await receiveUploads(req, { fields: ['loans', 'repayments', 'rates'], maxBytes: MAX_UPLOAD, what: '贷款台账文件' });
      try {
        if (!files.loans || !files.repayments || !files.rates) throw new AppError('FILE_EMPTY', C.MESSAGES.FILES_MISSING);
        const inMemory = async (f: ReceivedFile): Promise<UploadedFile> => ({ filename: f.filename, content: await f.read() });
        const dryRun = req.query.dryRun === true || req.query.dryRun === '1' || req.query.dryRun === 'true';
        return await importBook(
          db,
          actorOf(user),
          user.countyCode,
          { loans: await inMemory(files.loans), repayments: await inMemory(files.repayments), rates: await inMemory(files.rates) },
          { dryRun },
        );
      } finally {
        await remove();
      }
    },
  );
  r.get(
    '/microcredit/imports',
    { config: { permission: 'microcredit.read' }, schema: { tags: TAG, summary: '贷款台账导入记录', response: { 200: C.ImportList } } },
    async (req) => {
      const user = requirePermission(req, 'microcredit.read');
      return { imports: await listImports(db, user.countyCode) };
    },
  );
  r.get(
    '/microcredit/imports/:id',
    {
      config: { permission: 'microcredit.read' },
      schema: { tags: TAG, summary: '一次导入及其全部拒收行', params: C.RunParam, response: { 200: C.ImportDetail } },
    },
    async (req) => {
      const user = requirePermission(req, 'microcredit.read');
      const x = await getImport(db, user.countyCode, req.params.id);
      if (!x) throw new AppError('NOT_FOUND', '导入记录不存在');
      return x;
    },
  );

  r.get(
    '/microcredit/loans',
    {
      config: { permission: 'microcredit.read' },
      schema: { tags: TAG, summary: '贷款列表（按日期的余额；默认遮蔽身份证号）', querystring: C.LoansQuery, response: { 200: C.LoanList } },
    },
    async (req) => {
      const user = requirePermission(req, 'microcredit.read');
      return view.loanList(db, user, req.query, () => unmaskAllowed(req));
    },
  );
  r.get(
    '/microcredit/loans/:loanNo',
    {
      config: { permission: 'microcredit.read' },
      schema: { tags: TAG, summary: '贷款详情：还款、处理记录、各季度贴息', params: C.LoanParam, querystring: C.LoanQuery, response: { 200: C.LoanDetail } },
    },
    async (req) => {
      const user = requirePermission(req, 'microcredit.read');
      return view.loanDetail(db, user, req.params.loanNo, req.query.asOf, () => unmaskAllowed(req));
    },
  );
  r.post(
    '/microcredit/loans/:loanNo/events',
    {
      config: { permission: 'microcredit.manage' },
      schema: {
        tags: TAG,
        summary: '登记贷款处理情况（还清、续贷、展期、逾期催收）',
        params: C.LoanParam,
        body: C.EventBody,
        response: { 201: C.EventCreated },
      },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'microcredit.manage');
      return reply.status(201).send({ id: await view.addLoanHandling(db, user, req.params.loanNo, req.body) });
    },
  );

  r.get(
    '/microcredit/due',
    {
      config: { permission: 'microcredit.read' },
      schema: { tags: TAG, summary: '期间内到期的贷款及其处理（还清、续贷、展期、逾期、未到期）', querystring: C.PeriodQuery, response: { 200: C.DueList } },
    },
    async (req) => {
      const user = requirePermission(req, 'microcredit.read');
      return view.dueBoard(db, user, req.query);
    },
  );
  r.get(
    '/microcredit/overdue',
    {
      config: { permission: 'microcredit.read' },
      schema: { tags: TAG, summary: '逾期贷款清单', querystring: C.OverdueQuery, response: { 200: C.OverdueList } },
    },
    async (req) => {
      const user = requirePermission(req, 'microcredit.read');
      return view.overdueBoard(db, user, req.query.asOf);
    },
  );
  r.get(
    '/microcredit/balances',
    {
      config: { permission: 'microcredit.read' },
      schema: { tags: TAG, summary: '按乡镇或银行的贷款余额', querystring: C.BalancesQuery, response: { 200: C.Balances } },
    },
    async (req) => {
      const user = requirePermission(req, 'microcredit.read');
      return view.balances(db, user, req.query);
    },
  );
  r.get(
    '/microcredit/figures',
    {
      config: { permission: 'microcredit.read' },
      schema: {
        tags: TAG,
        summary: '小额信贷指标：余额（笔数、金额）、期间发放、还款、续贷、展期、逾期、各季度贴息，均可追溯到贷款',
        querystring: C.PeriodQuery,
        response: { 200: C.Figures },
      },
    },
    async (req) => {
      const user = requirePermission(req, 'microcredit.read');
      return view.figures(db, user, req.query);
    },
  );
  r.get(
    '/microcredit/monthly',
    {
      config: { permission: 'microcredit.read' },
      schema: { tags: TAG, summary: '各月末贷款余额（图表）', querystring: C.MonthlyQuery, response: { 200: C.Monthly } },
    },
    async (req) => {
      const user = requirePermission(req, 'microcredit.read');
      return view.monthly(db, user, req.query);
    },
  );

  r.get(
    '/microcredit/runs',
    { config: { permission: 'microcredit.read' }, schema: { tags: TAG, summary: '季度贴息批次', response: { 200: C.RunList } } },
    async (req) => {
      const user = requirePermission(req, 'microcredit.read');
      return view.runs(db, user);
    },
  );
  r.post(
    '/microcredit/runs',
    {
      config: { permission: 'microcredit.manage' },
      schema: { tags: TAG, summary: '计算（或在审核前重新计算）一个季度的贴息', body: C.ComputeBody, response: { 201: C.RunView } },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'microcredit.manage');
      view.assertCountyUser(user);
      return reply.status(201).send(view.runView(await computeRun(db, actorOf(user), user.countyCode, req.body.quarter)));
    },
  );
  r.get(
    '/microcredit/runs/:id',
    { config: { permission: 'microcredit.read' }, schema: { tags: TAG, summary: '贴息批次详情', params: C.RunParam, response: { 200: C.RunView } } },
    async (req) => {
      const user = requirePermission(req, 'microcredit.read');
      return view.run(db, user, req.params.id);
    },
  );
  r.get(
    '/microcredit/runs/:id/lines',
    {
      config: { permission: 'microcredit.read' },
      schema: { tags: TAG, summary: '贴息明细（分页，默认遮蔽身份证号）', params: C.RunParam, querystring: C.LinesQuery, response: { 200: C.RunLines } },
    },
    async (req) => {
      const user = requirePermission(req, 'microcredit.read');
      return view.runLinesPage(db, user, req.params.id, req.query, () => unmaskAllowed(req));
    },
  );
  for (const [step, perm, summary] of [
    ['review', 'microcredit.approve', '审核（审核人不能是计算人）'],
    ['publish', 'microcredit.manage', '公示'],
    ['pay', 'microcredit.manage', '标记为已发放'],
  ] as const) {
    r.post(
      `/microcredit/runs/:id/${step}`,
      { config: { permission: perm }, schema: { tags: TAG, summary, params: C.RunParam, response: { 200: C.RunView } } },
      async (req) => {
        const user = requirePermission(req, perm);
        view.assertCountyUser(user);
        return view.runView(await advanceRun(db, actorOf(user), user.countyCode, req.params.id, step));
      },
    );
  }

  r.get(
    '/microcredit/runs/:id/notice',
    {
      config: { permission: 'microcredit.read' },
      schema: {
        tags: TAG,
        summary: '贴息公示名单（姓名、村、金额、遮蔽的身份证号；format=html 可打印，xlsx 表格）',
        params: C.RunParam,
        querystring: C.NoticeQuery,
        response: { 200: fileAnswer('贴息公示名单（HTML 或 xlsx）') },
      },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'microcredit.read');
      const { run, title, rows } = await runNotice(db, actorOf(user), user.countyCode, req.params.id, req.query.format, view.scopeOf(user));
      if (req.query.format === 'xlsx') {
        return reply
          .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', attachmentDisposition(`贴息公示_${run.quarter}.xlsx`, 'notice.xlsx'))
          .send(await noticeXlsx(title, rows));
      }
      return reply.header('content-type', 'text/html; charset=utf-8').send(noticeHtml(title, rows));
    },
  );
  r.post(
    '/microcredit/runs/:id/bank-file',
    {
      config: { permission: 'microcredit.manage' },
      schema: {
        tags: TAG,
        summary: '导出贴息银行发放文件（按一卡通银行文件模板；须已公示）',
        params: C.RunParam,
        querystring: C.BankFileQuery,
        response: { 200: fileAnswer('贴息银行发放文件') },
      },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'microcredit.manage');
      view.assertCountyUser(user);
      const f = await runBankFile(db, actorOf(user), user.countyCode, req.params.id, req.query.template);
      return reply
        .header('content-type', f.contentType)
        .header('content-disposition', attachmentDisposition(f.fileName, 'bank-file'))
        .header('x-anju-rows', String(f.rows))
        .header('x-anju-total-fen', String(f.totalFen))
        .send(f.body);
    },
  );
}
