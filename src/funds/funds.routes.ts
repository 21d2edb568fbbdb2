// HTTP for the fund ledger in the database: batches and the year plan, money entries and
// reversals, the ledger import (preview, then confirm), rates, the overview and the dispatch.
// Thin: the permission here, the region scope and the work in the services.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePermission, actorOf, type SessionUser } from '../auth/index.ts';
import { attachmentDisposition, fileAnswer } from '../shared/http/attachment.ts';
import { receiveUpload, receiveFileSet } from '../shared/http/upload.ts';
import type { AppContext } from '../shared/context.ts';
import * as C from './funds.contract.ts';
import { REJECT_CODES, type LedgerSheet, type RejectCode } from './ledger.types.ts';
import {
  assertCountyWide,
  balanceLimit,
  createBatch,
  decideReversal,
  enterEntry,
  entriesFor,
  entryFor,
  projectChoices,
  remaining,
  requestReversal,
  reversalsFor,
  saveYearPlan,
  setBalanceLimit,
  storeVoucher,
  voucher,
  yearPlanFor,
  type Actor,
  type StoredEntry,
} from './funds.service.ts';
import { batchList, batchPage, dispatch, dispatchExport, overview, ratesCsvExport } from './figures.service.ts';
import { ratesFromDb } from './rates-db.ts';
import { importUploadedLedger } from './ledger-import-file.ts';

const TAG = ['资金与项目'];
const MAX_ATTACHMENT = 20 * 1024 * 1024;
const IdParam = z.object({ id: z.coerce.number().int().positive() });
const BatchParam = z.object({ batchNo: z.string().min(1).max(60) });
const YearParam = z.object({ year: z.coerce.number().int().min(1000).max(9999) });
const Err = { 400: C.ErrorResponse, 403: C.ErrorResponse, 404: C.ErrorResponse, 409: C.ErrorResponse };

const actor = (u: SessionUser): Actor => ({ ...actorOf(u), countyCode: u.countyCode, regionCode: u.regionCode });
const entryView = (e: StoredEntry) => ({ ...e, kindName: C.KIND_LABELS[e.kind] });
const rejectionView = (r: { sheet: LedgerSheet; row: number; code: string; reason: string }) => ({
  ...r,
  codeName: REJECT_CODES[r.code as RejectCode] ?? r.code,
});

// the ledger import is the county's; checked before a file of up to 100 MB is read
const countyOnly = assertCountyWide;

/** The ledger files of the request (one workbook or five CSV files), previewed or imported; the temporary files go away. */
async function ledgerImport(req: FastifyRequest, db: AppContext['database']['db'], u: SessionUser, opts: { dryRun: boolean; sha256?: string }) {
  const up = await receiveFileSet(req, { ...C.LEDGER_UPLOAD, what: '资金台账文件' });
  try {
    const res = await importUploadedLedger(db, actor(u), up.files, opts);
    return { ...res, rejected: res.rejected.map(rejectionView) };
  } finally {
    await up.remove();
  }
}

export async function registerFundsRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = ctx.database.db;

  // ---- batches and the year plan ----
  r.get(
    '/funds/batches',
    {
      config: { permission: 'funds.read' },
      schema: { tags: TAG, summary: '资金批次及其安排、拨付、报账（可截至某日）', querystring: C.AsOfQuery, response: { 200: C.BatchList, ...Err } },
    },
    async (req) => {
      return batchList(db, requirePermission(req, 'funds.read'), req.query.asOf ?? null);
    },
  );
  r.post(
    '/funds/batches',
    { config: { permission: 'funds.manage' }, schema: { tags: TAG, summary: '登记资金批次', body: C.BatchBody, response: { 200: C.FundBatch, ...Err } } },
    async (req) => {
      return createBatch(db, actor(requirePermission(req, 'funds.manage')), req.body);
    },
  );
  r.get(
    '/funds/batches/:batchNo',
    {
      config: { permission: 'funds.read' },
      schema: { tags: TAG, summary: '批次页：金额、比率和各项目的资金', params: BatchParam, querystring: C.AsOfQuery, response: { 200: C.BatchPage, ...Err } },
    },
    async (req) => {
      return batchPage(db, requirePermission(req, 'funds.read'), req.params.batchNo, req.query.asOf ?? null);
    },
  );
  r.get(
    '/funds/plans/:year',
    {
      config: { permission: 'funds.read' },
      schema: { tags: TAG, summary: '年度资金按用途分配（合计须等于该年度批次下达合计）', params: YearParam, response: { 200: C.YearPlan, ...Err } },
    },
    async (req) => {
      return yearPlanFor(db, actor(requirePermission(req, 'funds.read')), req.params.year);
    },
  );
  r.put(
    '/funds/plans/:year',
    {
      config: { permission: 'funds.manage' },
      schema: { tags: TAG, summary: '保存年度资金按用途分配', params: YearParam, body: C.YearPlanBody, response: { 200: C.YearPlan, ...Err } },
    },
    async (req) => {
      return saveYearPlan(db, actor(requirePermission(req, 'funds.manage')), req.params.year, req.body.parts);
    },
  );

  // ---- money entries ----
  r.get(
    '/funds/entries',
    {
      config: { permission: 'funds.read' },
      schema: { tags: TAG, summary: '资金记录（每个数字背后的明细）', querystring: C.EntriesQuery, response: { 200: C.EntryList, ...Err } },
    },
    async (req) => {
      const res = await entriesFor(db, actor(requirePermission(req, 'funds.read')), req.query);
      return { ...res, rows: res.rows.map(entryView) };
    },
  );
  r.post(
    '/funds/entries',
    {
      config: { permission: 'funds.manage' },
      schema: {
        tags: TAG,
        summary: '录入资金安排、拨付或报账（按§8.1核对，超批次、超安排一律拒绝）',
        body: C.EntryBody,
        response: { 200: C.FundEntry, ...Err },
      },
    },
    async (req) => {
      const u = requirePermission(req, 'funds.manage');
      return entryView(await enterEntry(db, actor(u), req.body));
    },
  );
  r.get(
    '/funds/entries/:id',
    { config: { permission: 'funds.read' }, schema: { tags: TAG, summary: '一条资金记录', params: IdParam, response: { 200: C.FundEntry, ...Err } } },
    async (req) => {
      return entryView(await entryFor(db, actor(requirePermission(req, 'funds.read')), req.params.id));
    },
  );
  r.get(
    '/funds/remaining',
    {
      config: { permission: 'funds.read' },
      schema: { tags: TAG, summary: '批次尚可安排、项目尚可拨付和报账的金额', querystring: C.RemainingQuery, response: { 200: C.Remaining, ...Err } },
    },
    async (req) => {
      const u = requirePermission(req, 'funds.read');
      return remaining(db, u.countyCode, req.query.batchNo, req.query.projectNo ?? null);
    },
  );
  r.get(
    '/funds/project-options',
    {
      config: { permission: 'funds.read' },
      schema: { tags: TAG, summary: '可选项目（按编号或名称）', querystring: C.ProjectOptionsQuery, response: { 200: C.ProjectOptions, ...Err } },
    },
    async (req) => {
      return projectChoices(db, actor(requirePermission(req, 'funds.read')), req.query.q);
    },
  );
  r.post(
    '/funds/entries/:id/reversal',
    {
      config: { permission: 'funds.manage' },
      schema: {
        tags: TAG,
        summary: '申请冲销一条资金记录（须由另一人审批）',
        params: IdParam,
        body: C.ReversalBody,
        response: { 200: C.ReversalRequest, ...Err },
      },
    },
    async (req) => {
      const u = requirePermission(req, 'funds.manage');
      const x = await requestReversal(db, actor(u), req.params.id, req.body);
      return { ...x, statusName: C.REVERSAL_STATUS_LABELS[x.status] };
    },
  );
  r.get(
    '/funds/reversals',
    {
      config: { permission: 'funds.read' },
      schema: { tags: TAG, summary: '冲销申请', querystring: C.ReversalsQuery, response: { 200: C.ReversalList, ...Err } },
    },
    async (req) => {
      return {
        rows: (await reversalsFor(db, actor(requirePermission(req, 'funds.read')), req.query.status)).map((x) => ({
          ...x,
          statusName: C.REVERSAL_STATUS_LABELS[x.status],
        })),
      };
    },
  );
  r.post(
    '/funds/reversals/:id/decision',
    {
      config: { permission: 'funds.approve' },
      schema: {
        tags: TAG,
        summary: '审批冲销申请（申请人不能审批自己的申请）',
        params: IdParam,
        body: C.DecisionBody,
        response: { 200: C.ReversalRequest, ...Err },
      },
    },
    async (req) => {
      const x = await decideReversal(db, actor(requirePermission(req, 'funds.approve')), req.params.id, req.body.approve, req.body.note);
      return { ...x, statusName: C.REVERSAL_STATUS_LABELS[x.status] };
    },
  );

  // ---- attachments (vouchers) ----
  r.post(
    '/funds/files',
    {
      config: { permission: 'funds.manage' },
      schema: { tags: TAG, summary: '上传凭证附件（multipart，字段file）', consumes: ['multipart/form-data'], response: { 200: C.StoredFile, ...Err } },
    },
    async (req) => {
      const u = requirePermission(req, 'funds.manage');
      const f = await receiveUpload(req, { maxBytes: MAX_ATTACHMENT, what: '凭证附件' });
      try {
        return await storeVoucher(db, actor(u), {
          filename: f.filename || 'voucher',
          mime: f.mimetype || 'application/octet-stream',
          content: await f.read(),
          sha256: f.sha256,
        });
      } finally {
        await f.remove();
      }
    },
  );
  r.get(
    '/funds/files/:id',
    {
      config: { permission: 'funds.read' },
      schema: { tags: TAG, summary: '下载凭证附件', params: IdParam, response: { 200: fileAnswer('凭证附件'), ...Err } },
    },
    async (req, reply) => {
      const f = await voucher(db, actor(requirePermission(req, 'funds.read')), req.params.id);
      return reply.header('content-type', f.mime).header('content-disposition', attachmentDisposition(f.filename, 'attachment')).send(f.content);
    },
  );

  // ---- ledger import: preview writes nothing; the confirmation sends the same files again ----
  r.post(
    '/funds/import/preview',
    {
      config: { permission: 'funds.manage' },
      schema: {
        tags: TAG,
        summary: '预览资金台账导入：一个XLSX工作簿或五个CSV文件（multipart，字段file，可多个），列出每一条被拒绝的行，不写入任何数据',
        consumes: ['multipart/form-data'],
        response: { 200: C.ImportResult, ...Err },
      },
    },
    async (req) => {
      const u = requirePermission(req, 'funds.manage');
      countyOnly(u);
      return ledgerImport(req, db, u, { dryRun: true });
    },
  );
  r.post(
    '/funds/import',
    {
      config: { permission: 'funds.manage' },
      schema: {
        tags: TAG,
        summary: '确认导入资金台账（须先预览，再次上传相同的文件；sha256为预览返回的校验值）',
        consumes: ['multipart/form-data'],
        querystring: C.ImportQuery,
        response: { 200: C.ImportResult, ...Err },
      },
    },
    async (req) => {
      const u = requirePermission(req, 'funds.manage');
      countyOnly(u);
      return ledgerImport(req, db, u, { dryRun: false, sha256: req.query.sha256 });
    },
  );

  // ---- rates, overview, dispatch ----
  r.get(
    '/funds/rates',
    {
      config: { permission: 'funds.read' },
      schema: { tags: TAG, summary: '资金执行情况（FORMATS §8.2），可截至某日', querystring: C.RatesQuery, response: { 200: C.RateTable, ...Err } },
    },
    async (req) => {
      const u = requirePermission(req, 'funds.read');
      const t = await ratesFromDb(db, u.countyCode, req.query.by, req.query.asOf ?? null, u.regionCode);
      return { by: req.query.by, asOf: req.query.asOf ?? null, ...t };
    },
  );
  r.get(
    '/funds/rates.csv',
    {
      config: { permission: 'funds.read' },
      schema: {
        tags: TAG,
        summary: '资金执行情况CSV（UTF-8带BOM，与命令行输出相同）',
        querystring: C.RatesQuery,
        response: { 200: fileAnswer('资金执行情况 CSV') },
      },
    },
    async (req, reply) => {
      const csv = await ratesCsvExport(db, actor(requirePermission(req, 'funds.read')), req.query.by, req.query.asOf ?? null, req.query);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', attachmentDisposition(`资金执行情况_${req.query.by}${req.query.asOf ? '_' + req.query.asOf : ''}.csv`, 'rates.csv'))
        .send(csv);
    },
  );
  r.get(
    '/funds/overview',
    {
      config: { permission: 'funds.read' },
      schema: {
        tags: TAG,
        summary: '资金总览：合计、各乡镇比率、月度累计拨付与序时进度、各批次结存',
        querystring: C.AsOfQuery,
        response: { 200: C.Overview, ...Err },
      },
    },
    async (req) => {
      const u = requirePermission(req, 'funds.read');
      return overview(db, u.countyCode, req.query.asOf ?? null, u.regionCode);
    },
  );
  r.get(
    '/funds/dispatch',
    {
      config: { permission: 'funds.read' },
      schema: { tags: TAG, summary: '调度表与乡镇、实施单位排名（截至某日）', querystring: C.AsOfQuery, response: { 200: C.Dispatch, ...Err } },
    },
    async (req) => {
      const u = requirePermission(req, 'funds.read');
      return dispatch(db, u.countyCode, req.query.asOf ?? null, u.regionCode);
    },
  );
  r.get(
    '/funds/dispatch.xlsx',
    {
      config: { permission: 'funds.read' },
      schema: { tags: TAG, summary: '下载调度表（xlsx）', querystring: C.AsOfQuery, response: { 200: fileAnswer('调度表 xlsx') } },
    },
    async (req, reply) => {
      const f = await dispatchExport(db, actor(requirePermission(req, 'funds.read')), req.query.asOf ?? null);
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', attachmentDisposition(f.filename, 'dispatch.xlsx'))
        .send(f.content);
    },
  );

  // ---- settings: the 结存比例 limit ----
  r.get(
    '/funds/settings',
    {
      config: { permission: 'funds.read' },
      schema: { tags: TAG, summary: '资金设置（结存比例上限，单位万分之一）', response: { 200: C.FundSettings, ...Err } },
    },
    async (req) => {
      return balanceLimit(db, requirePermission(req, 'funds.read').countyCode);
    },
  );
  r.put(
    '/funds/settings',
    {
      config: { permission: 'settings.manage' },
      schema: { tags: TAG, summary: '修改结存比例上限', body: C.FundSettings, response: { 200: C.FundSettings, ...Err } },
    },
    async (req) => {
      return setBalanceLimit(db, actor(requirePermission(req, 'settings.manage')), req.body.limitBp);
    },
  );
}
