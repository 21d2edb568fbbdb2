// HTTP for the register's daily work: search, person and household pages, the region tree,
// headline figures, and dynamic adjustment (entry, queue, approval, return, withdrawal, files).
// Handlers are thin: the permission here, region scope and the rest of the workflow in the services.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { canUnmask, requirePermission, type SessionUser } from '../auth/index.ts';
import { maskDeep } from '../shared/mask.ts';
import { receiveUpload } from '../shared/http/upload.ts';
import { attachmentDisposition } from '../shared/http/attachment.ts';
import type { AppContext } from '../shared/context.ts';
import { fileAnswer } from '../shared/http/attachment.ts';
import {
  AdjustmentApproved,
  AdjustmentDecided,
  AdjustmentDetail,
  AdjustmentInput,
  AdjustmentList,
  AdjustmentListQuery,
  AdjustmentSaved,
  FiguresResponse,
  FileParams,
  FileSchema,
  HouseholdPageResponse,
  HouseholdParam,
  IdParam,
  NoteBody,
  PersonPageResponse,
  PlanSchema,
  RegionTreeResponse,
  ReturnBody,
  SearchQuerystring,
  SearchResponse,
  UnmaskQuery,
} from './registry.contract.ts';
import { searchPersons, getPersonPage, getHousehold, regionTree, headlineFigures } from './registry.service.ts';
import {
  createAdjustment,
  updateAdjustment,
  approveAdjustment,
  returnAdjustment,
  withdrawAdjustment,
  getAdjustment,
  listAdjustments,
  addAdjustmentFile,
  getAdjustmentFile,
  previewAdjustment,
  householdsOfAdjustment,
  MAX_FILE_BYTES,
} from './adjustment.service.ts';

const TAG = ['花名册'];
/** Adjustments carry IDs and accounts in their titles, payloads and previews: masked for a role that may not unmask. */
const shown = <T>(user: SessionUser, x: T): T => (canUnmask(user) ? x : maskDeep(x));
const TAG_ADJ = ['动态调整'];

/** A file goes out as is: Fastify sends a Buffer untouched, and fileAnswer describes it as a binary string. */

export async function registerRegistryRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = ctx.database.db;

  r.get(
    '/registry/persons',
    {
      config: { permission: 'registry.read' },
      schema: { tags: TAG, summary: '查询花名册（分页；默认遮蔽身份证号、账号、电话）', querystring: SearchQuerystring, response: { 200: SearchResponse } },
    },
    async (req) => {
      const user = requirePermission(req, 'registry.read');
      const { page, pageSize, ...q } = req.query;
      return searchPersons(db, user.countyCode, q, user, { page, pageSize });
    },
  );

  r.get(
    '/registry/persons/:id',
    {
      config: { permission: 'registry.read' },
      schema: {
        tags: TAG,
        summary: '人员页（成员、账户、扶持期限、全部历史；unmask=1 显示完整信息并记审计）',
        params: IdParam,
        querystring: UnmaskQuery,
        response: { 200: PersonPageResponse },
      },
    },
    async (req) => {
      const user = requirePermission(req, 'registry.read');
      const page = await getPersonPage(db, user, req.params.id, { unmask: req.query.unmask });
      // the history's before/after may hold old IDs and accounts: masked like the fields
      return page.masked ? { ...page, history: maskDeep(page.history) } : page;
    },
  );

  r.get(
    '/registry/households/:no',
    {
      config: { permission: 'registry.read' },
      schema: {
        tags: TAG,
        summary: '户页（户主、成员、村组、历史；unmask=1 显示完整信息并记审计）',
        params: HouseholdParam,
        querystring: UnmaskQuery,
        response: { 200: HouseholdPageResponse },
      },
    },
    async (req) => {
      const user = requirePermission(req, 'registry.read');
      const page = await getHousehold(db, user, req.params.no, { unmask: req.query.unmask });
      return page.masked ? { ...page, history: maskDeep(page.history) } : page;
    },
  );

  r.get(
    '/registry/regions/tree',
    {
      config: { permission: 'registry.read' },
      schema: { tags: TAG, summary: '区划树（县→乡镇→村→组，在册与已核减人数）', response: { 200: RegionTreeResponse } },
    },
    async (req) => regionTree(db, requirePermission(req, 'registry.read')) as Promise<z.infer<typeof RegionTreeResponse>>,
  );

  r.get(
    '/registry/figures',
    { config: { permission: 'registry.read' }, schema: { tags: TAG, summary: '首页主要数字', response: { 200: FiguresResponse } } },
    async (req) => headlineFigures(db, requirePermission(req, 'registry.read')),
  );

  r.get(
    '/registry/adjustments',
    {
      config: { permission: 'registry.read' },
      schema: { tags: TAG_ADJ, summary: '调整列表（审批队列）', querystring: AdjustmentListQuery, response: { 200: AdjustmentList } },
    },
    async (req) => {
      const user = requirePermission(req, 'registry.read');
      return shown(user, await listAdjustments(db, user, req.query));
    },
  );

  r.post(
    '/registry/adjustments/preview',
    {
      config: { permission: 'adjustment.enter' },
      schema: { tags: TAG_ADJ, summary: '提交前检查：错误、提示和将要变更的内容', body: AdjustmentInput, response: { 200: PlanSchema } },
    },
    async (req) => {
      return previewAdjustment(db, requirePermission(req, 'adjustment.enter'), req.body);
    },
  );

  r.post(
    '/registry/adjustments',
    {
      config: { permission: 'adjustment.enter' },
      schema: {
        tags: TAG_ADJ,
        summary: '录入调整（核增、核减、信息变更、分户、并户、户主变更、迁移）',
        body: AdjustmentInput,
        response: { 201: AdjustmentSaved },
      },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'adjustment.enter');
      return reply.status(201).send(await createAdjustment(db, user, req.body));
    },
  );

  r.get(
    '/registry/adjustments/:id',
    {
      config: { permission: 'registry.read' },
      schema: { tags: TAG_ADJ, summary: '调整详情（材料、审批预览）', params: IdParam, response: { 200: AdjustmentDetail } },
    },
    async (req) => {
      const user = requirePermission(req, 'registry.read');
      return shown(user, await getAdjustment(db, user, req.params.id));
    },
  );

  r.put(
    '/registry/adjustments/:id',
    {
      config: { permission: 'adjustment.enter' },
      schema: { tags: TAG_ADJ, summary: '修改退回的调整并重新提交', params: IdParam, body: AdjustmentInput, response: { 200: AdjustmentSaved } },
    },
    async (req) => updateAdjustment(db, requirePermission(req, 'adjustment.enter'), req.params.id, req.body),
  );

  r.post(
    '/registry/adjustments/:id/approve',
    {
      config: { permission: 'adjustment.approve' },
      schema: {
        tags: TAG_ADJ,
        summary: '批准（一次事务写入花名册并记审计）',
        params: IdParam,
        body: NoteBody.optional(),
        response: { 200: AdjustmentApproved },
      },
    },
    async (req) => {
      const user = requirePermission(req, 'adjustment.approve');
      const done = await approveAdjustment(db, user, req.params.id, req.body?.note ?? '');
      ctx.events?.registerChanged({
        countyCode: user.countyCode,
        householdNos: await householdsOfAdjustment(db, user.countyCode, req.params.id),
        actor: { userId: user.id, username: user.username },
        source: 'adjustment.approve',
      });
      return done;
    },
  );

  r.post(
    '/registry/adjustments/:id/return',
    {
      config: { permission: 'adjustment.approve' },
      schema: { tags: TAG_ADJ, summary: '退回（须填写意见）', params: IdParam, body: ReturnBody, response: { 200: AdjustmentDecided } },
    },
    async (req) => ({ adjustment: await returnAdjustment(db, requirePermission(req, 'adjustment.approve'), req.params.id, req.body.note) }),
  );

  r.post(
    '/registry/adjustments/:id/withdraw',
    {
      config: { permission: 'adjustment.enter' },
      schema: { tags: TAG_ADJ, summary: '撤回', params: IdParam, body: NoteBody.optional(), response: { 200: AdjustmentDecided } },
    },
    async (req) => ({ adjustment: await withdrawAdjustment(db, requirePermission(req, 'adjustment.enter'), req.params.id, req.body?.note ?? '') }),
  );

  r.post(
    '/registry/adjustments/:id/files',
    {
      config: { permission: 'adjustment.enter' },
      schema: {
        tags: TAG_ADJ,
        summary: `上传佐证材料（multipart，字段file，单个不超过${MAX_FILE_BYTES / 1024 / 1024}MB）`,
        params: IdParam,
        consumes: ['multipart/form-data'],
        response: { 201: FileSchema },
      },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'adjustment.enter');
      const file = await receiveUpload(req, { maxBytes: MAX_FILE_BYTES, what: '佐证材料' });
      try {
        return reply
          .status(201)
          .send(await addAdjustmentFile(db, user, req.params.id, { filename: file.filename, mime: file.mimetype, content: await file.read() }));
      } finally {
        await file.remove();
      }
    },
  );

  r.get(
    '/registry/adjustments/:id/files/:fileId',
    {
      config: { permission: 'registry.read' },
      schema: { tags: TAG_ADJ, summary: '下载佐证材料（记审计）', params: FileParams, response: { 200: fileAnswer('佐证材料（原文件）') } },
    },
    async (req, reply) => {
      const f = await getAdjustmentFile(db, requirePermission(req, 'registry.read'), req.params.id, req.params.fileId);
      return reply
        .header('content-type', f.mime || 'application/octet-stream')
        .header('content-disposition', attachmentDisposition(f.filename, 'evidence'))
        .header('x-content-type-options', 'nosniff')
        .header('x-sha256', f.sha256)
        .send(f.content);
    },
  );
}
