// HTTP for the register's daily work: search, person and household pages, the region tree,
// headline figures, and dynamic adjustment (entry, queue, approval, return, withdrawal, files).
// Handlers are thin: permission here, region scope both here and in the store functions.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { canUnmask, requirePermission, type SessionUser } from '../auth/index.ts';
import { maskDeep } from '../shared/mask.ts';
import { AppError } from '../shared/errors.ts';
import { receiveUpload } from '../shared/http/upload.ts';
import { attachmentDisposition } from '../shared/http/attachment.ts';
import type { AppContext } from '../shared/context.ts';
import { ADJUSTMENT_KINDS, ADJUSTMENT_STATUSES, AdjustmentInput, CATEGORIES } from './adjustment.ts';
import { searchPersons, getPersonPage } from './person.store.ts';
import { getHousehold } from './household.store.ts';
import { regionTree, headlineFigures } from './region.store.ts';
import {
  createAdjustment, updateAdjustment, approveAdjustment, returnAdjustment, withdrawAdjustment, getAdjustment, listAdjustments,
  addAdjustmentFile, getAdjustmentFile, previewAdjustment, householdsOfAdjustment, MAX_FILE_BYTES,
} from './adjustment.store.ts';

const flag = z.union([z.boolean(), z.enum(['1', '0', 'true', 'false'])]).optional().transform((v) => v === true || v === '1' || v === 'true');
const pageNo = z.coerce.number().int().min(1).default(1);
const pageSize = z.coerce.number().int().min(1).max(200).default(20);
const IdParam = z.object({ id: z.coerce.number().int().positive() });
const nullableDate = z.string().nullable();

export const SearchQuerystring = z.object({
  q: z.string().max(60).optional(), name: z.string().max(40).optional(), nameMatch: z.enum(['exact', 'prefix', 'contains']).optional(),
  idNumber: z.string().max(30).optional(), idTail: z.string().max(6).optional(), householdNo: z.string().max(40).optional(),
  villageCode: z.string().regex(/^\d{6,12}$/).optional(), townshipCode: z.string().regex(/^\d{9}$/).optional(), townshipName: z.string().max(40).optional(), groupName: z.string().max(40).optional(),
  status: z.enum(['正常', '已核减']).optional(), category: z.enum(CATEGORIES).optional(), unmask: flag, page: pageNo, pageSize,
});
export const PersonListItem = z.object({
  id: z.number(), householdNo: z.string(), name: z.string(), idNumber: z.string(), idValid: z.boolean(), sex: z.string().nullable(),
  birthDate: nullableDate, relation: z.string(), villageCode: z.string(), townshipName: z.string(), villageName: z.string(), groupName: z.string(),
  category: z.string().nullable(), status: z.string(), removalDate: nullableDate, removalReason: z.string().nullable(),
  supportStart: nullableDate, supportEnd: nullableDate, phone: z.string(), accountNo: z.string(),
});
export const SearchResponse = z.object({ total: z.number(), totalCapped: z.boolean(), page: z.number(), pageSize: z.number(), items: z.array(PersonListItem), masked: z.boolean(), interpretedAs: z.string() });
export const HistoryItem = z.object({
  at: z.string(), who: z.string(), action: z.string(), what: z.string(), why: z.string(), source: z.enum(['audit', 'adjustment']),
  adjustmentId: z.number().nullable(), changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
});
export const PersonPageResponse = z.object({
  person: PersonListItem.extend({ idNumberRaw: z.string(), reservoir: z.string(), moveDate: nullableDate }),
  account: z.object({ accountNo: z.string(), bankName: z.string(), holderName: z.string() }).nullable(),
  support: z.object({ start: nullableDate, end: nullableDate, endIsDefault: z.boolean() }),
  household: z.object({ householdNo: z.string(), members: z.array(PersonListItem) }),
  history: z.array(HistoryItem), masked: z.boolean(),
});
export const HouseholdPageResponse = z.object({
  householdNo: z.string(), villageCode: z.string(), groupName: z.string(), townshipName: z.string(), villageName: z.string(),
  head: z.object({ id: z.number(), name: z.string() }).nullable(), members: z.array(PersonListItem), history: z.array(HistoryItem), masked: z.boolean(),
});
// four fixed levels (county → township → village → group): no recursive schema in the OpenAPI document
const regionNode = <C extends z.ZodType>(level: readonly [string, ...string[]], children: C) => z.object({
  code: z.string(), level: z.enum(level), name: z.string(), active: z.number(), removed: z.number(), children,
});
const GroupNode = regionNode(['group'], z.array(z.never()));
const VillageNode = regionNode(['village'], z.array(GroupNode));
const TownshipNode = regionNode(['township'], z.array(VillageNode));
export const RegionTreeResponse = regionNode(['county'], z.array(TownshipNode));
export const FiguresResponse = z.object({
  regionCode: z.string(), year: z.number(), households: z.number(), persons: z.number(), active: z.number(), removed: z.number(),
  removedThisYear: z.number(), pendingAdjustments: z.number(),
});
export const AdjustmentSchema = z.object({
  id: z.number(), kind: z.enum(ADJUSTMENT_KINDS), kindName: z.string(), status: z.enum(ADJUSTMENT_STATUSES), statusName: z.string(),
  townshipCode: z.string(), townships: z.array(z.string()), householdNo: z.string().nullable(), personIds: z.array(z.number()), summary: z.string(),
  reason: z.string(), effectiveDate: nullableDate, remarks: z.string(), payload: z.record(z.string(), z.unknown()),
  enteredBy: z.number(), enteredByName: z.string(), enteredAt: z.string(), updatedAt: z.string(),
  decidedBy: z.number().nullable(), decidedByName: z.string(), decidedAt: nullableDate, decisionNote: z.string(),
  warnings: z.array(z.string()), fileCount: z.number(),
  selfApproved: z.boolean().describe('由录入人本人审批（本县内控设置允许单人办理时）'),
});
export const PlanSchema = z.object({
  errors: z.array(z.string()), warnings: z.array(z.string()), ops: z.array(z.looseObject({ op: z.string() })),
  townshipCode: z.string().nullable(), householdNo: z.string().nullable(), personIds: z.array(z.number()), townships: z.array(z.string()),
});
export const FileSchema = z.object({ id: z.number(), filename: z.string(), mime: z.string(), size: z.number(), sha256: z.string(), uploadedAt: z.string() });
export const AdjustmentListQuery = z.object({
  status: z.enum(ADJUSTMENT_STATUSES).optional(), kind: z.enum(ADJUSTMENT_KINDS).optional(), townshipCode: z.string().regex(/^\d{9}$/).optional(),
  personId: z.coerce.number().int().positive().optional(), householdNo: z.string().max(40).optional(), page: pageNo, pageSize,
});
const Saved = z.object({ adjustment: AdjustmentSchema, warnings: z.array(z.string()) });
const Note = z.object({ note: z.string().max(1000).default('') });

const TAG = ['花名册'];
/** Adjustments carry IDs and accounts in their titles, payloads and previews: masked for a role that may not unmask. */
const shown = <T>(user: SessionUser, x: T): T => (canUnmask(user) ? x : maskDeep(x));
const TAG_ADJ = ['动态调整'];

export async function registerRegistryRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = ctx.database.db;

  r.get('/registry/persons', { config: { permission: 'registry.read' }, schema: { tags: TAG, summary: '查询花名册（分页；默认遮蔽身份证号、账号、电话）', querystring: SearchQuerystring, response: { 200: SearchResponse } } },
    async (req) => {
      const user = requirePermission(req, 'registry.read');
      const { page, pageSize, ...q } = req.query;
      return searchPersons(db, user.countyCode, q, user, { page, pageSize });
    });

  r.get('/registry/persons/:id', { config: { permission: 'registry.read' }, schema: { tags: TAG, summary: '人员页（成员、账户、扶持期限、全部历史；unmask=1 显示完整信息并记审计）',
    params: IdParam, querystring: z.object({ unmask: flag }), response: { 200: PersonPageResponse } } },
  async (req) => {
    const user = requirePermission(req, 'registry.read');
    const page = await getPersonPage(db, user, req.params.id, { unmask: req.query.unmask });
    // the history's before/after may hold old IDs and accounts: masked like the fields
    return page.masked ? { ...page, history: maskDeep(page.history) } : page;
  });

  r.get('/registry/households/:no', { config: { permission: 'registry.read' }, schema: { tags: TAG, summary: '户页（户主、成员、村组、历史；unmask=1 显示完整信息并记审计）', params: z.object({ no: z.string().min(1).max(40) }), querystring: z.object({ unmask: flag }), response: { 200: HouseholdPageResponse } } },
    async (req) => {
      const user = requirePermission(req, 'registry.read');
      const page = await getHousehold(db, user, req.params.no, { unmask: req.query.unmask });
      return page.masked ? { ...page, history: maskDeep(page.history) } : page;
    });

  r.get('/registry/regions/tree', { config: { permission: 'registry.read' }, schema: { tags: TAG, summary: '区划树（县→乡镇→村→组，在册与已核减人数）', response: { 200: RegionTreeResponse } } },
    async (req) => regionTree(db, requirePermission(req, 'registry.read')) as Promise<z.infer<typeof RegionTreeResponse>>);

  r.get('/registry/figures', { config: { permission: 'registry.read' }, schema: { tags: TAG, summary: '首页主要数字', response: { 200: FiguresResponse } } },
    async (req) => headlineFigures(db, requirePermission(req, 'registry.read')));

  r.get('/registry/adjustments', { config: { permission: 'registry.read' }, schema: { tags: TAG_ADJ, summary: '调整列表（审批队列）', querystring: AdjustmentListQuery,
    response: { 200: z.object({ total: z.number(), items: z.array(AdjustmentSchema) }) } } },
  async (req) => {
    const user = requirePermission(req, 'registry.read');
    return shown(user, await listAdjustments(db, user, req.query));
  });

  r.post('/registry/adjustments/preview', { config: { permission: 'adjustment.enter' }, schema: { tags: TAG_ADJ, summary: '提交前检查：错误、提示和将要变更的内容', body: AdjustmentInput, response: { 200: PlanSchema } } },
    async (req) => {
      return previewAdjustment(db, requirePermission(req, 'adjustment.enter'), req.body);
    });

  r.post('/registry/adjustments', { config: { permission: 'adjustment.enter' }, schema: { tags: TAG_ADJ, summary: '录入调整（核增、核减、信息变更、分户、并户、户主变更、迁移）', body: AdjustmentInput, response: { 201: Saved } } },
    async (req, reply) => {
      const user = requirePermission(req, 'adjustment.enter');
      return reply.status(201).send(await createAdjustment(db, user, req.body));
    });

  r.get('/registry/adjustments/:id', { config: { permission: 'registry.read' }, schema: { tags: TAG_ADJ, summary: '调整详情（材料、审批预览）', params: IdParam,
    response: { 200: z.object({ adjustment: AdjustmentSchema, files: z.array(FileSchema), preview: PlanSchema.nullable() }) } } },
  async (req) => {
    const user = requirePermission(req, 'registry.read');
    return shown(user, await getAdjustment(db, user, req.params.id));
  });

  r.put('/registry/adjustments/:id', { config: { permission: 'adjustment.enter' }, schema: { tags: TAG_ADJ, summary: '修改退回的调整并重新提交', params: IdParam, body: AdjustmentInput, response: { 200: Saved } } },
    async (req) => updateAdjustment(db, requirePermission(req, 'adjustment.enter'), req.params.id, req.body));

  r.post('/registry/adjustments/:id/approve', { config: { permission: 'adjustment.approve' }, schema: { tags: TAG_ADJ, summary: '批准（一次事务写入花名册并记审计）', params: IdParam, body: Note.optional(),
    response: { 200: z.object({ adjustment: AdjustmentSchema, personIds: z.array(z.number()), warnings: z.array(z.string()) }) } } },
  async (req) => {
    const user = requirePermission(req, 'adjustment.approve');
    const done = await approveAdjustment(db, user, req.params.id, req.body?.note ?? '');
    ctx.events?.registerChanged({ countyCode: user.countyCode, householdNos: await householdsOfAdjustment(db, user.countyCode, req.params.id), actor: { userId: user.id, username: user.username }, source: 'adjustment.approve' });
    return done;
  });

  r.post('/registry/adjustments/:id/return', { config: { permission: 'adjustment.approve' }, schema: { tags: TAG_ADJ, summary: '退回（须填写意见）', params: IdParam,
    body: z.object({ note: z.string().trim().min(1, '请填写退回意见').max(1000) }), response: { 200: z.object({ adjustment: AdjustmentSchema }) } } },
  async (req) => ({ adjustment: await returnAdjustment(db, requirePermission(req, 'adjustment.approve'), req.params.id, req.body.note) }));

  r.post('/registry/adjustments/:id/withdraw', { config: { permission: 'adjustment.enter' }, schema: { tags: TAG_ADJ, summary: '撤回', params: IdParam, body: Note.optional(),
    response: { 200: z.object({ adjustment: AdjustmentSchema }) } } },
  async (req) => ({ adjustment: await withdrawAdjustment(db, requirePermission(req, 'adjustment.enter'), req.params.id, req.body?.note ?? '') }));

  r.post('/registry/adjustments/:id/files', { config: { permission: 'adjustment.enter' }, schema: { tags: TAG_ADJ, summary: `上传佐证材料（multipart，字段file，单个不超过${MAX_FILE_BYTES / 1024 / 1024}MB）`,
    params: IdParam, consumes: ['multipart/form-data'], response: { 201: FileSchema } } },
  async (req, reply) => {
    const user = requirePermission(req, 'adjustment.enter');
    const file = await receiveUpload(req, { maxBytes: MAX_FILE_BYTES, what: '佐证材料' });
    try {
      return reply.status(201).send(await addAdjustmentFile(db, user, req.params.id, { filename: file.filename, mime: file.mimetype, content: await file.read() }));
    } finally { await file.remove(); }
  });

  r.get('/registry/adjustments/:id/files/:fileId', { config: { permission: 'registry.read' }, schema: { tags: TAG_ADJ, summary: '下载佐证材料（记审计）',
    params: z.object({ id: z.coerce.number().int().positive(), fileId: z.coerce.number().int().positive() }) } },
  async (req, reply) => {
    const f = await getAdjustmentFile(db, requirePermission(req, 'registry.read'), req.params.id, req.params.fileId);
    return reply
      .header('content-type', f.mime || 'application/octet-stream')
      .header('content-disposition', attachmentDisposition(f.filename, 'evidence'))
      .header('x-content-type-options', 'nosniff')
      .header('x-sha256', f.sha256)
      .send(f.content);
  });
}
