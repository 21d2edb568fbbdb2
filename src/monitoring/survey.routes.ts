// HTTP for survey campaigns (全面排查) and department alerts (部门预警). Thin, like
// monitoring.routes.ts; request and response schemas from monitoring.contract.ts.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requirePermission } from '../auth/index.ts';
import { AppError } from '../shared/errors.ts';
import { receiveUpload } from '../shared/http/upload.ts';
import type { AppContext } from '../shared/context.ts';
import * as c from './monitoring.contract.ts';
import { createCampaign, recordVisit, clearSurveyProblem, closeCampaign } from './survey.service.ts';
import { importAlerts, decideAlert } from './alert.service.ts';
import { campaignBoardView, problemsView, targetsView, visitsOfTargetView, alertsView, campaignsView, alertImportsView, importProblemsView } from './views.ts';

const TAG = ['防返贫监测'];
const MAX_UPLOAD = 300 * 1024 * 1024;

export async function registerSurveyRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = ctx.database.db;

  r.get(
    '/monitoring/campaigns',
    { config: { permission: 'monitoring.read' }, schema: { tags: TAG, summary: '排查任务列表', response: { 200: c.CampaignList } } },
    async (req) => {
      const user = requirePermission(req, 'monitoring.read');
      return campaignsView(db, user);
    },
  );
  r.post(
    '/monitoring/campaigns',
    {
      config: { permission: 'monitoring.enter' },
      schema: { tags: TAG, summary: '新建排查任务（所选村的监测户和后扶人口户全部列入走访名单）', body: c.CampaignBody, response: { 201: c.Created } },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'monitoring.enter');
      return reply.status(201).send({ id: await createCampaign(db, user, req.body) });
    },
  );
  r.get(
    '/monitoring/campaigns/:id',
    {
      config: { permission: 'monitoring.read' },
      schema: { tags: TAG, summary: '排查进度（按村：应访户数、已访、发现问题、未清零、逾期）', params: c.IdParam, response: { 200: c.CampaignBoard } },
    },
    async (req) => {
      const user = requirePermission(req, 'monitoring.read');
      return campaignBoardView(db, user, req.params.id);
    },
  );
  r.post(
    '/monitoring/campaigns/:id/close',
    { config: { permission: 'monitoring.approve' }, schema: { tags: TAG, summary: '结束排查任务（县级）', params: c.IdParam, response: { 200: c.Ok } } },
    async (req) => {
      const user = requirePermission(req, 'monitoring.approve');
      await closeCampaign(db, user, req.params.id);
      return { ok: true as const };
    },
  );
  r.get(
    '/monitoring/campaigns/:id/villages/:code/targets',
    { config: { permission: 'monitoring.read' }, schema: { tags: TAG, summary: '一个村的走访名单', params: c.VillageParams, response: { 200: c.TargetList } } },
    async (req) => {
      const user = requirePermission(req, 'monitoring.read');
      return targetsView(db, user, req.params.id, req.params.code);
    },
  );
  r.get(
    '/monitoring/campaigns/:id/problems',
    {
      config: { permission: 'monitoring.read' },
      schema: { tags: TAG, summary: '问题台账（责任人、期限、清零情况）', params: c.IdParam, querystring: c.ProblemsQuery, response: { 200: c.ProblemList } },
    },
    async (req) => {
      const user = requirePermission(req, 'monitoring.read');
      return problemsView(db, user, req.params.id, req.query.status);
    },
  );
  r.get(
    '/monitoring/targets/:id/visits',
    { config: { permission: 'monitoring.read' }, schema: { tags: TAG, summary: '一户的走访记录', params: c.IdParam, response: { 200: c.VisitList } } },
    async (req) => {
      const user = requirePermission(req, 'monitoring.read');
      return visitsOfTargetView(db, user, req.params.id);
    },
  );
  r.post(
    '/monitoring/targets/:id/visits',
    {
      config: { permission: 'monitoring.enter' },
      schema: {
        tags: TAG,
        summary: '录入走访（两不愁三保障及饮水安全逐项是/否及说明；每个“否”记入问题台账）',
        params: c.IdParam,
        body: c.VisitBody,
        response: { 201: c.VisitResult },
      },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'monitoring.enter');
      return reply.status(201).send(await recordVisit(db, user, req.params.id, req.body));
    },
  );
  r.post(
    '/monitoring/problems/:id/clear',
    {
      config: { permission: 'monitoring.enter' },
      schema: { tags: TAG, summary: '问题清零（整改日期和情况）', params: c.IdParam, body: c.ClearBody, response: { 200: c.Ok } },
    },
    async (req) => {
      const user = requirePermission(req, 'monitoring.enter');
      await clearSurveyProblem(db, user, req.params.id, req.body);
      return { ok: true as const };
    },
  );

  r.post(
    '/monitoring/alerts/imports',
    {
      config: { permission: 'monitoring.enter' },
      schema: {
        tags: TAG,
        summary: '导入部门预警文件（multipart，字段file；CSV或xlsx；逐行比对监测户和后扶人口；同一文件只导入一次）',
        querystring: c.ImportQuery,
        consumes: ['multipart/form-data'],
        response: { 201: c.ImportResultSchema },
      },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'monitoring.enter');
      const f = await receiveUpload(req, { maxBytes: MAX_UPLOAD, what: '预警文件' });
      let res: Awaited<ReturnType<typeof importAlerts>>;
      try {
        res = await importAlerts(db, user, { filename: f.filename, content: await f.read(), source: req.query.source });
      } finally {
        await f.remove();
      }
      return reply.status(201).send({ ...res, problems: res.problems.slice(0, 500), problemCount: res.problems.length });
    },
  );
  r.get(
    '/monitoring/alerts/imports',
    { config: { permission: 'monitoring.read' }, schema: { tags: TAG, summary: '已导入的预警文件', response: { 200: c.ImportList } } },
    async (req) => {
      const user = requirePermission(req, 'monitoring.read');
      return alertImportsView(db, user);
    },
  );
  r.get(
    '/monitoring/alerts/imports/:id/problems',
    {
      config: { permission: 'monitoring.read' },
      schema: { tags: TAG, summary: '预警文件中被拒绝的行（行号、列、原因）', params: c.IdParam, response: { 200: c.ImportProblems } },
    },
    async (req) => {
      const user = requirePermission(req, 'monitoring.read');
      return importProblemsView(db, user, req.params.id);
    },
  );
  r.get(
    '/monitoring/alerts',
    {
      config: { permission: 'monitoring.read' },
      schema: { tags: TAG, summary: '预警待办（比对结果和证据；默认遮蔽身份证号）', querystring: c.AlertsQuery, response: { 200: c.AlertList } },
    },
    async (req) => {
      const user = requirePermission(req, 'monitoring.read');
      return alertsView(db, user, req.query);
    },
  );
  r.post(
    '/monitoring/alerts/:id/decision',
    {
      config: { permission: 'monitoring.enter' },
      schema: {
        tags: TAG,
        summary: '预警研判：纳入监测（新增风险或识别新监测户）或不纳入（须填理由）',
        params: c.IdParam,
        body: c.DecisionBody,
        response: { 200: c.DecisionResult },
      },
    },
    async (req) => {
      const user = requirePermission(req, 'monitoring.enter');
      return { ok: true as const, ...(await decideAlert(db, user, req.params.id, req.body)) };
    },
  );
}
