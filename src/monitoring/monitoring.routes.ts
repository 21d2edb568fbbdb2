// HTTP for 防返贫监测: monitored households, risks and their removal, measures, income, the
// monitoring line and figures. Thin: the permission here, the work in the services and views;
// every route declares its request and response (monitoring.contract.ts).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requirePermission } from '../auth/index.ts';
import type { AppContext } from '../shared/context.ts';
import * as c from './monitoring.contract.ts';
import * as svc from './household.service.ts';
import { listView, householdPageView, figuresView, removalQueueView, linesView } from './views.ts';
import { registerSurveyRoutes } from './survey.routes.ts';

const TAG = ['防返贫监测'];

export async function registerMonitoringRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = ctx.database.db;

  r.get(
    '/monitoring/households',
    {
      config: { permission: 'monitoring.read' },
      schema: {
        tags: TAG,
        summary: '监测户列表（按状态、类别、风险、区划、识别和消除日期筛选；统计数字下钻到这里）',
        querystring: c.ListQuery,
        response: { 200: c.HouseholdList },
      },
    },
    async (req) => {
      const user = requirePermission(req, 'monitoring.read');
      return listView(db, user, req.query);
    },
  );
  r.post(
    '/monitoring/households',
    {
      config: { permission: 'monitoring.enter' },
      schema: { tags: TAG, summary: '识别纳入监测户（家庭成员、类别、识别方式、风险、帮扶责任人）', body: c.IdentifyBody, response: { 201: c.Created } },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'monitoring.enter');
      return reply.status(201).send({ id: await svc.identifyHousehold(db, user, req.body) });
    },
  );
  r.get(
    '/monitoring/households/:id',
    {
      config: { permission: 'monitoring.read' },
      schema: {
        tags: TAG,
        summary: '监测户详情：成员（关联后扶人口）、风险、措施、走访、预警、小额信贷、时间线（默认遮蔽身份证号、电话、健康状况）',
        params: c.IdParam,
        querystring: c.UnmaskQuery,
        response: { 200: c.HouseholdPage },
      },
    },
    async (req) => {
      const user = requirePermission(req, 'monitoring.read');
      return householdPageView(db, user, req.params.id, req.query.unmask);
    },
  );
  r.post(
    '/monitoring/households/:id/risks',
    {
      config: { permission: 'monitoring.enter' },
      schema: { tags: TAG, summary: '新增风险', params: c.IdParam, body: c.RiskBody, response: { 201: c.Created } },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'monitoring.enter');
      return reply.status(201).send({ id: await svc.addRisk(db, user, req.params.id, req.body) });
    },
  );
  r.post(
    '/monitoring/households/:id/measures',
    {
      config: { permission: 'monitoring.enter' },
      schema: { tags: TAG, summary: '新增帮扶措施（类型、日期、金额：分）', params: c.IdParam, body: c.MeasureBody, response: { 201: c.Created } },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'monitoring.enter');
      return reply.status(201).send({ id: await svc.addMeasure(db, user, req.params.id, req.body) });
    },
  );
  r.put(
    '/monitoring/households/:id/income',
    {
      config: { permission: 'monitoring.enter' },
      schema: { tags: TAG, summary: '录入家庭人均纯收入（年度、分）', params: c.IdParam, body: c.IncomeBody, response: { 200: c.Ok } },
    },
    async (req) => {
      const user = requirePermission(req, 'monitoring.enter');
      await svc.recordIncome(db, user, req.params.id, req.body.year, req.body.incomeFen);
      return { ok: true as const };
    },
  );

  r.post(
    '/monitoring/risks/:id/removal',
    {
      config: { permission: 'monitoring.enter' },
      schema: {
        tags: TAG,
        summary: '申请风险消除（消除日期、满足的条件、情况说明；收入须达监测标准）',
        params: c.IdParam,
        body: c.RemovalBody,
        response: { 200: c.Ok },
      },
    },
    async (req) => {
      const user = requirePermission(req, 'monitoring.enter');
      await svc.requestRiskRemoval(db, user, req.params.id, req.body);
      return { ok: true as const };
    },
  );
  r.post(
    '/monitoring/risks/:id/approve-township',
    {
      config: { permission: 'monitoring.approve' },
      schema: { tags: TAG, summary: '乡镇审核风险消除（乡镇账号，非申请人）', params: c.IdParam, response: { 200: c.ApproveResult } },
    },
    async (req) => {
      const user = requirePermission(req, 'monitoring.approve');
      return { ok: true as const, ...(await svc.approveRiskRemoval(db, user, req.params.id, 'township')) };
    },
  );
  r.post(
    '/monitoring/risks/:id/approve-county',
    {
      config: { permission: 'monitoring.approve' },
      schema: { tags: TAG, summary: '县级审定风险消除（县级账号，非申请人、非乡镇审核人）', params: c.IdParam, response: { 200: c.ApproveResult } },
    },
    async (req) => {
      const user = requirePermission(req, 'monitoring.approve');
      return { ok: true as const, ...(await svc.approveRiskRemoval(db, user, req.params.id, 'county')) };
    },
  );
  r.post(
    '/monitoring/risks/:id/return',
    {
      config: { permission: 'monitoring.approve' },
      schema: { tags: TAG, summary: '退回风险消除申请（须填原因）', params: c.IdParam, body: c.ReturnBody, response: { 200: c.Ok } },
    },
    async (req) => {
      const user = requirePermission(req, 'monitoring.approve');
      await svc.returnRiskRemoval(db, user, req.params.id, req.body.reason);
      return { ok: true as const };
    },
  );
  r.get(
    '/monitoring/removals',
    {
      config: { permission: 'monitoring.read' },
      schema: { tags: TAG, summary: '待审核的风险消除（乡镇审核或县级审定）', querystring: c.RemovalQueueQuery, response: { 200: c.RemovalQueue } },
    },
    async (req) => {
      const user = requirePermission(req, 'monitoring.read');
      return removalQueueView(db, user, req.query.step);
    },
  );

  r.get(
    '/monitoring/lines',
    { config: { permission: 'monitoring.read' }, schema: { tags: TAG, summary: '各年度监测标准（人均纯收入，分）', response: { 200: c.Lines } } },
    async (req) => {
      const user = requirePermission(req, 'monitoring.read');
      return linesView(db, user);
    },
  );
  r.put(
    '/monitoring/lines/:year',
    {
      config: { permission: 'monitoring.approve' },
      schema: { tags: TAG, summary: '设置某年度监测标准（县级）', params: c.YearParam, body: c.LineBody, response: { 200: c.Ok } },
    },
    async (req) => {
      const user = requirePermission(req, 'monitoring.approve');
      await svc.setMonitoringLine(db, user, req.params.year, req.body.lineFen);
      return { ok: true as const };
    },
  );
  r.get(
    '/monitoring/figures',
    {
      config: { permission: 'monitoring.read' },
      schema: {
        tags: TAG,
        summary: '监测统计：按类别、风险、乡镇的户数和人数，期内识别和消除，按月；每个数字带下钻条件',
        querystring: c.FiguresQuery,
        response: { 200: c.FiguresResponse },
      },
    },
    async (req) => {
      const user = requirePermission(req, 'monitoring.read');
      return figuresView(db, user, req.query.from, req.query.to);
    },
  );

  await registerSurveyRoutes(app, ctx);
}
