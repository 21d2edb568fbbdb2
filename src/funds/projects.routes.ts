// HTTP for the project life cycle (后扶项目): list and page of a project, new projects, stage
// entry and approval, documents, progress, plan dates, the task decomposition, 整改 items.
// Thin: each route checks the permission and hands over to projects.service.ts.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requirePermission } from '../auth/index.ts';
import { AppError } from '../shared/errors.ts';
import { attachmentDisposition, fileAnswer } from '../shared/http/attachment.ts';
import { receiveUpload } from '../shared/http/upload.ts';
import type { AppContext } from '../shared/context.ts';
import * as svc from './projects.service.ts';
import {
  ProjectListQuery,
  ProjectList,
  ProjectDetail,
  ProjectNoParam,
  ProjectItemParam,
  NewProjectBody,
  SubmitStageBody,
  DecisionBody,
  ReturnBody,
  ProgressBody,
  PlansBody,
  TaskBody,
  CloseRectificationBody,
  DocumentQuery,
  DocumentView,
  MAX_DOCUMENT_BYTES,
} from './projects.contract.ts';

const TAG = ['后扶项目'];
const P = '/funds/projects';

export async function registerProjectRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = ctx.database.db;

  r.get(
    P,
    {
      config: { permission: 'projects.read' },
      schema: { tags: TAG, summary: '项目列表（按乡镇、类别、年度、阶段筛选；标出逾期和停滞）', querystring: ProjectListQuery, response: { 200: ProjectList } },
    },
    async (req) => svc.listProjects(db, requirePermission(req, 'projects.read'), req.query),
  );

  r.post(
    P,
    {
      config: { permission: 'projects.enter' },
      schema: { tags: TAG, summary: '新建项目（台账信息和任务分解；入库在项目页录入，经县中心审批）', body: NewProjectBody, response: { 201: ProjectDetail } },
    },
    async (req, reply) => reply.status(201).send(await svc.createProject(db, requirePermission(req, 'projects.enter'), req.body)),
  );

  r.get(
    `${P}/:projectNo`,
    {
      config: { permission: 'projects.read' },
      schema: { tags: TAG, summary: '项目详情：阶段、材料、进度、整改、计划', params: ProjectNoParam, response: { 200: ProjectDetail } },
    },
    async (req) => svc.getProject(db, requirePermission(req, 'projects.read'), req.params.projectNo),
  );

  r.post(
    `${P}/:projectNo/documents`,
    {
      config: { permission: 'projects.enter' },
      schema: {
        tags: TAG,
        summary: `上传项目材料（multipart，字段file；单个不超过${MAX_DOCUMENT_BYTES / 1024 / 1024}MB；同一文件只存一份）`,
        params: ProjectNoParam,
        querystring: DocumentQuery,
        consumes: ['multipart/form-data'],
        response: { 201: DocumentView },
      },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'projects.enter');
      const f = await receiveUpload(req, { maxBytes: MAX_DOCUMENT_BYTES, what: '项目材料' });
      try {
        return reply.status(201).send(
          await svc.uploadDocument(db, user, req.params.projectNo, {
            kind: req.query.kind,
            filename: f.filename || '材料',
            mime: f.mimetype || 'application/octet-stream',
            content: await f.read(),
          }),
        );
      } finally {
        await f.remove();
      }
    },
  );

  r.get(
    `${P}/:projectNo/documents/:id`,
    {
      config: { permission: 'projects.read' },
      schema: { tags: TAG, summary: '查看或下载材料（图片和PDF可在浏览器中预览）', params: ProjectItemParam, response: { 200: fileAnswer('项目材料') } },
    },
    async (req, reply) => {
      const f = await svc.documentContent(db, requirePermission(req, 'projects.read'), req.params.projectNo, req.params.id);
      return reply
        .header('content-type', f.mime)
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', attachmentDisposition(f.filename, 'document', { inline: f.inline }))
        .send(f.content);
    },
  );

  r.post(
    `${P}/:projectNo/stages`,
    {
      config: { permission: 'projects.enter' },
      schema: {
        tags: TAG,
        summary: '录入下一阶段（附所需材料，提交县中心审批）',
        params: ProjectNoParam,
        body: SubmitStageBody,
        response: { 201: ProjectDetail },
      },
    },
    async (req, reply) => reply.status(201).send(await svc.submitStage(db, requirePermission(req, 'projects.enter'), req.params.projectNo, req.body)),
  );

  r.post(
    `${P}/:projectNo/stages/:id/approve`,
    {
      config: { permission: 'projects.approve' },
      schema: {
        tags: TAG,
        summary: '审批通过（录入人以外的县中心人员；开工、完工、验收写入台账日期）',
        params: ProjectItemParam,
        body: DecisionBody,
        response: { 200: ProjectDetail },
      },
    },
    async (req) => svc.approveStage(db, requirePermission(req, 'projects.approve'), req.params.projectNo, req.params.id, req.body.note),
  );

  r.post(
    `${P}/:projectNo/stages/:id/return`,
    {
      config: { permission: 'projects.approve' },
      schema: { tags: TAG, summary: '退回（写明原因，录入人修改后重新提交）', params: ProjectItemParam, body: ReturnBody, response: { 200: ProjectDetail } },
    },
    async (req) => svc.returnStage(db, requirePermission(req, 'projects.approve'), req.params.projectNo, req.params.id, req.body.note),
  );

  r.post(
    `${P}/:projectNo/progress`,
    {
      config: { permission: 'projects.enter' },
      schema: {
        tags: TAG,
        summary: '报送月度进度（百分比、问题、下步计划、照片）',
        params: ProjectNoParam,
        body: ProgressBody,
        response: { 201: ProjectDetail },
      },
    },
    async (req, reply) => reply.status(201).send(await svc.reportProgress(db, requirePermission(req, 'projects.enter'), req.params.projectNo, req.body)),
  );

  r.put(
    `${P}/:projectNo/plans`,
    {
      config: { permission: 'projects.plan' },
      schema: { tags: TAG, summary: '各阶段计划日期（空为取消）', params: ProjectNoParam, body: PlansBody, response: { 200: ProjectDetail } },
    },
    async (req) => svc.setPlans(db, requirePermission(req, 'projects.plan'), req.params.projectNo, req.body.plans),
  );

  r.put(
    `${P}/:projectNo/task`,
    {
      config: { permission: 'projects.plan' },
      schema: { tags: TAG, summary: '任务分解：分管县领导、主管单位、实施单位', params: ProjectNoParam, body: TaskBody, response: { 200: ProjectDetail } },
    },
    async (req) => svc.setTask(db, requirePermission(req, 'projects.plan'), req.params.projectNo, req.body),
  );

  r.post(
    `${P}/:projectNo/rectifications/:id/close`,
    {
      config: { permission: 'projects.approve' },
      schema: { tags: TAG, summary: '整改销号（附整改材料）', params: ProjectItemParam, body: CloseRectificationBody, response: { 200: ProjectDetail } },
    },
    async (req) => svc.closeRectification(db, requirePermission(req, 'projects.approve'), req.params.projectNo, req.params.id, req.body),
  );
}
