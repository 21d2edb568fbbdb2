// HTTP for microcredit: bank-file imports, loans (list, page, handling notes), due and overdue
// boards, balances and figures, and the quarterly subsidy runs with their public list and bank
// file. Thin: permission and scope here, the work in the service; every request and response
// shape in microcredit.contract.ts. ID numbers masked unless asked for by a role that may see them.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requirePermission, actorOf, unmaskAllowed, auditUnmaskedView, maskId, type SessionUser } from '../auth/index.ts';
import { getTemplate, noticeHtml, noticeXlsx } from '../subsidy/index.ts';
import { appendAudit } from '../shared/audit.ts';
import { AppError } from '../shared/errors.ts';
import { todayIso } from '../shared/dates.ts';
import type { AppContext } from '../shared/context.ts';
import { formatDecimal } from './values.ts';
import { loanState, dueLoans, balancesBy, headline, monthlyBalances, renewalsOf, renewedFromOf, HANDLINGS, type LoanState } from './figures.ts';
import { listImports, listEvents, subsidiesOfLoan, regionNames, townshipOf } from './book.store.ts';
import { listRuns } from './runs.store.ts';
import { importBook, computeRun, advanceRun, mustGetRun, runLines, recordHandling, bookLoans, getImport, type UploadedFile } from './microcredit.service.ts';
import { bankFile, noticeRowsOf, type PayLine } from './payment.ts';
import type { SubsidyRun } from './runs.store.ts';
import * as C from './microcredit.contract.ts';
import { attachmentDisposition } from '../shared/http/attachment.ts';
import { receiveUploads, type ReceivedFile } from '../shared/http/upload.ts';

const TAG = ['小额信贷'];
const MAX_UPLOAD = 200 * 1024 * 1024;
/** township officers: their township only; county users: the whole county */
const scopeOf = (user: SessionUser) => (user.regionCode.length > 6 ? user.regionCode : undefined);
const inScope = (user: SessionUser, villageCode: string) => !scopeOf(user) || villageCode.startsWith(user.regionCode);

function loanView(s: LoanState, unmasked: boolean) {
  return { ...s, idNumber: unmasked ? s.idNumber : maskId(s.idNumber) };
}
function runView(r: SubsidyRun) {
  return { ...r, stateName: C.RUN_STATE_NAMES[r.state] };
}

async function maybeUnmask(ctx: AppContext, req: FastifyRequest, user: SessionUser, count: number, detail: Record<string, unknown>) {
  const unmasked = unmaskAllowed(req);
  if (unmasked) await auditUnmaskedView(ctx.database.db, user, { entityType: 'microcredit_loan', fields: ['idNumber'], count, detail });
  return unmasked;
}

export async function registerMicrocreditRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = ctx.database.db;
  const loansOf = (user: SessionUser) => bookLoans(db, user.countyCode, { scope: scopeOf(user) });

  r.post('/microcredit/imports', { config: { permission: 'microcredit.manage' }, schema: { tags: TAG, consumes: ['multipart/form-data'],
    summary: '导入银行的贷款台账、还款记录和贴息利率表（multipart 字段 loans、repayments、rates；一个事务；同样的文件再导入不改变任何数据；dryRun 只预览拒收行）',
    querystring: C.ImportQuery, response: { 200: C.ImportResult } } }, async (req) => {
    const user = requirePermission(req, 'microcredit.manage');
    if (scopeOf(user)) throw new AppError('FORBIDDEN', C.MESSAGES.COUNTY_ONLY);
    if (!req.isMultipart()) throw new AppError('BAD_REQUEST', C.MESSAGES.FILES_MISSING);
    const { files, remove } = await receiveUploads(req, { fields: ['loans', 'repayments', 'rates'], maxBytes: MAX_UPLOAD, what: '贷款台账文件' });
    try {
      if (!files.loans || !files.repayments || !files.rates) throw new AppError('FILE_EMPTY', C.MESSAGES.FILES_MISSING);
      const inMemory = async (f: ReceivedFile): Promise<UploadedFile> => ({ filename: f.filename, content: await f.read() });
      const dryRun = req.query.dryRun === true || req.query.dryRun === '1' || req.query.dryRun === 'true';
      return await importBook(db, actorOf(user), user.countyCode, { loans: await inMemory(files.loans), repayments: await inMemory(files.repayments), rates: await inMemory(files.rates) }, { dryRun });
    } finally { await remove(); }
  });
  r.get('/microcredit/imports', { config: { permission: 'microcredit.read' }, schema: { tags: TAG, summary: '贷款台账导入记录', response: { 200: C.ImportList } } }, async (req) => {
    const user = requirePermission(req, 'microcredit.read');
    return { imports: await listImports(db, user.countyCode) };
  });
  r.get('/microcredit/imports/:id', { config: { permission: 'microcredit.read' }, schema: { tags: TAG, summary: '一次导入及其全部拒收行', params: C.RunParam, response: { 200: C.ImportDetail } } }, async (req) => {
    const user = requirePermission(req, 'microcredit.read');
    const x = await getImport(db, user.countyCode, req.params.id);
    if (!x) throw new AppError('NOT_FOUND', '导入记录不存在');
    return x;
  });

  r.get('/microcredit/loans', { config: { permission: 'microcredit.read' }, schema: { tags: TAG, summary: '贷款列表（按日期的余额；默认遮蔽身份证号）', querystring: C.LoansQuery, response: { 200: C.LoanList } } }, async (req) => {
    const user = requirePermission(req, 'microcredit.read');
    const q = req.query, asOf = q.asOf ?? todayIso();
    const all = await loansOf(user);
    if (q.drill && (!q.from || !q.to)) throw new AppError('VALIDATION', '按指标查看贷款须给出起止日期（from、to）');
    const only = q.drill ? new Set(headline(all, q.from!, q.to!, asOf)[q.drill].loanNos) : null;
    const renewals = renewalsOf(all);
    let states = all.filter((l) => !only || only.has(l.loanNo)).map((l) => loanState(l, asOf, renewals.get(l.loanNo) ?? null));
    if (q.townshipCode) states = states.filter((s) => s.villageCode.startsWith(q.townshipCode!));
    if (q.bank) states = states.filter((s) => s.bank === q.bank);
    if (q.q) states = states.filter((s) => s.loanNo.includes(q.q!) || s.name.includes(q.q!) || s.idNumber === q.q);
    if (q.status === 'outstanding') states = states.filter((s) => s.balanceFen > 0);
    if (q.status === 'overdue') states = states.filter((s) => s.overdue);
    if (q.status === 'repaid') states = states.filter((s) => s.balanceFen === 0 && s.issuedOn <= asOf);
    const page = states.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
    const unmasked = await maybeUnmask(ctx, req, user, page.length, { query: q });
    return { total: states.length, page: q.page, pageSize: q.pageSize, masked: !unmasked, asOf, loans: page.map((s) => loanView(s, unmasked)) };
  });
  r.get('/microcredit/loans/:loanNo', { config: { permission: 'microcredit.read' }, schema: { tags: TAG, summary: '贷款详情：还款、处理记录、各季度贴息', params: C.LoanParam,
    querystring: C.OverdueQuery.extend({ unmask: C.LoansQuery.shape.unmask }), response: { 200: C.LoanDetail } } }, async (req) => {
    const user = requirePermission(req, 'microcredit.read');
    const [loan] = await bookLoans(db, user.countyCode, { loanNos: [req.params.loanNo] });
    if (!loan || !inScope(user, loan.villageCode)) throw new AppError('NOT_FOUND', C.MESSAGES.LOAN_NOT_FOUND);
    const same = await bookLoans(db, user.countyCode, { idNumbers: [loan.idNumber] });
    const asOf = req.query.asOf ?? todayIso();
    const unmasked = await maybeUnmask(ctx, req, user, 1, { loanNo: loan.loanNo });
    let balance = loan.amountFen;
    return {
      loan: loanView(loanState(loan, asOf, renewalsOf(same).get(loan.loanNo) ?? null), unmasked), masked: !unmasked,
      renewedFrom: renewedFromOf(same).get(loan.loanNo) ?? null,
      repayments: loan.repayDays.map((d, i) => ({ on: new Date(d * 86400000).toISOString().slice(0, 10), amountFen: loan.repayFen[i], balanceFen: (balance -= loan.repayFen[i]), row: loan.repayRows[i] })),
      events: await listEvents(db, user.countyCode, [loan.loanNo]),
      subsidies: await subsidiesOfLoan(db, user.countyCode, loan.loanNo),
    };
  });
  r.post('/microcredit/loans/:loanNo/events', { config: { permission: 'microcredit.manage' }, schema: { tags: TAG, summary: '登记贷款处理情况（还清、续贷、展期、逾期催收）', params: C.LoanParam,
    body: C.EventBody, response: { 201: C.LoanEvent.pick({ id: true }) } } }, async (req, reply) => {
    const user = requirePermission(req, 'microcredit.manage');
    const [loan] = await bookLoans(db, user.countyCode, { loanNos: [req.params.loanNo] });
    if (!loan || !inScope(user, loan.villageCode)) throw new AppError('NOT_FOUND', C.MESSAGES.LOAN_NOT_FOUND);
    return reply.status(201).send({ id: await recordHandling(db, actorOf(user), user.countyCode, loan.loanNo, req.body) });
  });

  r.get('/microcredit/due', { config: { permission: 'microcredit.read' }, schema: { tags: TAG, summary: '期间内到期的贷款及其处理（还清、续贷、展期、逾期、未到期）', querystring: C.PeriodQuery, response: { 200: C.DueList } } }, async (req) => {
    const user = requirePermission(req, 'microcredit.read');
    const asOf = req.query.asOf ?? todayIso();
    const loans = dueLoans(await loansOf(user), req.query.from, req.query.to, asOf);
    const counts = Object.fromEntries(HANDLINGS.map((h) => [h, loans.filter((l) => l.handling === h).length]));
    return { from: req.query.from, to: req.query.to, asOf, counts, loans: loans.map((l) => ({ ...l, idNumber: maskId(l.idNumber) })) };
  });
  r.get('/microcredit/overdue', { config: { permission: 'microcredit.read' }, schema: { tags: TAG, summary: '逾期贷款清单', querystring: C.OverdueQuery, response: { 200: C.OverdueList } } }, async (req) => {
    const user = requirePermission(req, 'microcredit.read');
    const asOf = req.query.asOf ?? todayIso();
    const states = (await loansOf(user)).map((l) => loanState(l, asOf)).filter((s) => s.overdue);
    return { asOf, total: states.length, balanceFen: states.reduce((s, x) => s + x.balanceFen, 0), loans: states.map((s) => loanView(s, false)) };
  });
  r.get('/microcredit/balances', { config: { permission: 'microcredit.read' }, schema: { tags: TAG, summary: '按乡镇或银行的贷款余额', querystring: C.BalancesQuery, response: { 200: C.Balances } } }, async (req) => {
    const user = requirePermission(req, 'microcredit.read');
    const asOf = req.query.asOf ?? todayIso();
    const groups = balancesBy(await loansOf(user), asOf, req.query.by);
    const names = req.query.by === 'township' ? await regionNames(db, groups.map((g) => g.key)) : new Map<string, string>();
    return { asOf, by: req.query.by, groups: groups.map((g) => ({ ...g, name: names.get(g.key) ?? g.key })) };
  });
  r.get('/microcredit/figures', { config: { permission: 'microcredit.read' }, schema: { tags: TAG, summary: '小额信贷指标：余额（笔数、金额）、期间发放、还款、续贷、展期、逾期、各季度贴息，均可追溯到贷款', querystring: C.PeriodQuery, response: { 200: C.Figures } } }, async (req) => {
    const user = requirePermission(req, 'microcredit.read');
    const h = headline(await loansOf(user), req.query.from, req.query.to, req.query.asOf ?? todayIso());
    const runs = await listRuns(db, user.countyCode);
    return { ...h, subsidyByQuarter: runs.map((x) => ({ runId: x.id, quarter: x.quarter, state: C.RUN_STATE_NAMES[x.state], loans: x.loans, subsidyFen: x.subsidyFen })) };
  });
  r.get('/microcredit/monthly', { config: { permission: 'microcredit.read' }, schema: { tags: TAG, summary: '各月末贷款余额（图表）', querystring: C.MonthlyQuery, response: { 200: C.Monthly } } }, async (req) => {
    const user = requirePermission(req, 'microcredit.read');
    if (req.query.from > req.query.to) throw new AppError('VALIDATION', '起始月份晚于结束月份');
    return { points: monthlyBalances(await loansOf(user), req.query.from, req.query.to) };
  });

  r.get('/microcredit/runs', { config: { permission: 'microcredit.read' }, schema: { tags: TAG, summary: '季度贴息批次', response: { 200: C.RunList } } }, async (req) => {
    const user = requirePermission(req, 'microcredit.read');
    return { runs: (await listRuns(db, user.countyCode)).map(runView) };
  });
  r.post('/microcredit/runs', { config: { permission: 'microcredit.manage' }, schema: { tags: TAG, summary: '计算（或在审核前重新计算）一个季度的贴息', body: C.ComputeBody, response: { 201: C.RunView } } }, async (req, reply) => {
    const user = requirePermission(req, 'microcredit.manage');
    if (scopeOf(user)) throw new AppError('FORBIDDEN', C.MESSAGES.COUNTY_ONLY);
    return reply.status(201).send(runView(await computeRun(db, actorOf(user), user.countyCode, req.body.quarter)));
  });
  r.get('/microcredit/runs/:id', { config: { permission: 'microcredit.read' }, schema: { tags: TAG, summary: '贴息批次详情', params: C.RunParam, response: { 200: C.RunView } } }, async (req) => {
    const user = requirePermission(req, 'microcredit.read');
    return runView(await mustGetRun(db, user.countyCode, req.params.id));
  });
  r.get('/microcredit/runs/:id/lines', { config: { permission: 'microcredit.read' }, schema: { tags: TAG, summary: '贴息明细（分页，默认遮蔽身份证号）', params: C.RunParam, querystring: C.LinesQuery, response: { 200: C.RunLines } } }, async (req) => {
    const user = requirePermission(req, 'microcredit.read');
    const run = await mustGetRun(db, user.countyCode, req.params.id);
    const q = req.query;
    const overdue = q.overdue === undefined ? undefined : q.overdue === true || q.overdue === '1' || q.overdue === 'true';
    const res = await runLines(db, user.countyCode, run, { scope: scopeOf(user), overdue, q: q.q, offset: (q.page - 1) * q.pageSize, limit: q.pageSize });
    const unmasked = await maybeUnmask(ctx, req, user, res.lines.length, { run: run.id });
    return { total: res.total, page: q.page, pageSize: q.pageSize, masked: !unmasked,
      lines: res.lines.map((l) => ({ ...l, idNumber: unmasked ? l.idNumber : maskId(l.idNumber), rate: formatDecimal(l.rate) })) };
  });
  for (const [step, perm, summary] of [['review', 'microcredit.approve', '审核（审核人不能是计算人）'], ['publish', 'microcredit.manage', '公示'], ['pay', 'microcredit.manage', '标记为已发放']] as const) {
    r.post(`/microcredit/runs/:id/${step}`, { config: { permission: perm }, schema: { tags: TAG, summary, params: C.RunParam, response: { 200: C.RunView } } }, async (req) => {
      const user = requirePermission(req, perm);
      if (scopeOf(user)) throw new AppError('FORBIDDEN', C.MESSAGES.COUNTY_ONLY);
      return runView(await advanceRun(db, actorOf(user), user.countyCode, req.params.id, step));
    });
  }

  async function payLines(user: SessionUser, run: SubsidyRun, scope?: string): Promise<PayLine[]> {
    const { lines } = await runLines(db, user.countyCode, run, { scope });
    const names = await regionNames(db, [...new Set(lines.flatMap((l) => [l.villageCode, townshipOf(l.villageCode)]))]);
    return lines.map((l) => ({ ...l, townshipName: names.get(townshipOf(l.villageCode)) ?? '', villageName: names.get(l.villageCode) ?? '' }));
  }
  r.get('/microcredit/runs/:id/notice', { config: { permission: 'microcredit.read' }, schema: { tags: TAG, summary: '贴息公示名单（姓名、村、金额、遮蔽的身份证号；format=html 可打印，xlsx 表格）', params: C.RunParam,
    querystring: C.NoticeQuery, response: { 200: C.FileBody } } }, async (req, reply) => {
    const user = requirePermission(req, 'microcredit.read');
    const run = await mustGetRun(db, user.countyCode, req.params.id);
    if (run.state === 'computed') throw new AppError('CONFLICT', '贴息尚未审核，不能公示');
    const rows = noticeRowsOf(await payLines(user, run, scopeOf(user)));
    const title = `${run.quarter.replace('Q', '年第')}季度扶贫小额信贷贴息公示`;
    await appendAudit(db, actorOf(user), { action: 'microcredit.notice_export', entityType: 'microcredit_run', entityId: run.id, countyCode: user.countyCode, detail: { format: req.query.format, rows: rows.length } });
    if (req.query.format === 'xlsx') {
      return reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', attachmentDisposition(`贴息公示_${run.quarter}.xlsx`, 'notice.xlsx')).send(await noticeXlsx(title, rows));
    }
    return reply.header('content-type', 'text/html; charset=utf-8').send(noticeHtml(title, rows));
  });
  r.post('/microcredit/runs/:id/bank-file', { config: { permission: 'microcredit.manage' }, schema: { tags: TAG, summary: '导出贴息银行发放文件（按一卡通银行文件模板；须已公示）', params: C.RunParam,
    querystring: C.BankFileQuery, response: { 200: C.FileBody } } }, async (req, reply) => {
    const user = requirePermission(req, 'microcredit.manage');
    if (scopeOf(user)) throw new AppError('FORBIDDEN', C.MESSAGES.COUNTY_ONLY);
    const run = await mustGetRun(db, user.countyCode, req.params.id);
    if (run.state !== 'published' && run.state !== 'paid') throw new AppError('CONFLICT', '贴息须先审核并公示，才能导出银行发放文件');
    const f = await bankFile(await getTemplate(db, user.countyCode, req.query.template), await payLines(user, run), run.quarter, run.batchNo);
    await appendAudit(db, actorOf(user), { action: 'microcredit.bank_file', entityType: 'microcredit_run', entityId: run.id, countyCode: user.countyCode, detail: { template: req.query.template, rows: f.rows, totalFen: f.totalFen, unmasked: true } });
    return reply.header('content-type', f.contentType).header('content-disposition', attachmentDisposition(f.fileName, 'bank-file'))
      .header('x-anju-rows', String(f.rows)).header('x-anju-total-fen', String(f.totalFen)).send(f.body);
  });
}
