// HTTP for data quality: the rule catalogue (built-in and custom, versioned, switchable), the
// expression check and preview, runs (full or incremental), problem lists per township and
// village, problem work (确认无误 with a reason, 已更正, assignment) and the trend.
// Township users see and work only their township's problems.
import { maskDeep, maskInText } from '../shared/mask.ts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import ExcelJS from 'exceljs';
import { actorOf, requirePermission } from '../auth/index.ts';
import type { AppContext } from '../shared/context.ts';
import { AppError } from '../shared/errors.ts';
import { todayIso } from '../shared/dates.ts';
import { streamRegisterForQuality } from '../registry/index.ts';
import { checkExpression, previewCustomRule } from './custom-rule.ts';
import { fileAnswer } from '../shared/http/attachment.ts';
import {
  Catalogue,
  CatalogueEntry,
  ExpressionBody,
  ExpressionCheck,
  ImportCheck,
  ImportCheckParam,
  Ok,
  ProblemIdParam,
  ProblemList,
  ProblemQuery,
  ProblemUpdate,
  RuleCodeParam,
  RulePreview,
  RulePreviewBody,
  RuleSwitchBody,
  RunBody,
  RunSummary,
  SaveRuleBody,
  Trend,
  TrendQuery,
} from './quality.contract.ts';
import { describeFields, describeFunctions } from './expr/compile.ts';
import {
  assertRegionCodes,
  auditProblemsExport,
  listCatalogue,
  problemsInRegion,
  qualityTrend,
  rowToPerson,
  runOnRegister,
  saveCustomRule,
  setRuleEnabled,
  updateProblem,
} from './quality.service.ts';
import type { RosterPerson } from './types.ts';
import { checkImport } from './import-check.ts';
import { maskIdText } from '../shared/idnumber.ts';
import { guardFormula } from '../shared/files/csv-write.ts';
import { attachmentDisposition } from '../shared/http/attachment.ts';

/** Mask the ID as written in lists (the list is for villages). */
const maskWritten = (s: string) => maskIdText(s.trim());

export async function registerQualityRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = () => ctx.database.db;

  // every change to the register is checked at once: only the households touched, or the
  // whole register after an import
  ctx.events?.onRegisterChange(async (c) => {
    await runOnRegister(db(), c.countyCode, { householdNos: c.householdNos ?? undefined, actor: c.actor });
  });

  r.get(
    '/quality/rules',
    { config: { permission: 'quality.work' }, schema: { tags: ['数据清洗'], summary: '规则目录（内置与自定义）', response: { 200: Catalogue } } },
    async (req) => {
      const user = requirePermission(req, 'quality.work');
      return { rules: await listCatalogue(db(), user.countyCode), fields: describeFields(), functions: describeFunctions() };
    },
  );

  r.post(
    '/quality/rules/check',
    {
      config: { permission: 'quality.rules' },
      schema: { tags: ['数据清洗'], summary: '检查规则条件（语法与类型）', body: ExpressionBody, response: { 200: ExpressionCheck } },
    },
    async (req) => {
      requirePermission(req, 'quality.rules');
      return checkExpression(req.body.expression);
    },
  );

  r.post(
    '/quality/rules/preview',
    {
      config: { permission: 'quality.rules' },
      schema: { tags: ['数据清洗'], summary: '预览：规则会标出多少人', body: RulePreviewBody, response: { 200: RulePreview } },
    },
    async (req) => {
      const user = requirePermission(req, 'quality.rules');
      const check = checkExpression(req.body.expression);
      if (!check.ok) throw new AppError('VALIDATION', `规则条件有误：${check.error}`, { position: check.position });
      const persons: RosterPerson[] = [];
      for await (const chunk of streamRegisterForQuality(db(), user.countyCode)) for (const row of chunk) persons.push(rowToPerson(row, persons.length));
      const p = previewCustomRule(req.body, persons, req.body.asOf ?? todayIso());
      return { ...p, samples: p.samples.map((s) => maskDeep({ ...s, 身份证号: maskWritten(s['身份证号']) })) };
    },
  );

  r.post(
    '/quality/rules',
    {
      config: { permission: 'quality.rules', countyLevel: true },
      schema: { tags: ['数据清洗'], summary: '保存自定义规则（每次保存为新版本）', body: SaveRuleBody, response: { 200: CatalogueEntry } },
    },
    async (req) => {
      const user = requirePermission(req, 'quality.rules');
      return saveCustomRule(db(), user.countyCode, req.body, actorOf(user));
    },
  );

  r.patch(
    '/quality/rules/:code',
    {
      config: { permission: 'quality.rules', countyLevel: true },
      schema: { tags: ['数据清洗'], summary: '启用或停用规则', params: RuleCodeParam, body: RuleSwitchBody, response: { 200: Ok } },
    },
    async (req) => {
      const user = requirePermission(req, 'quality.rules');
      await setRuleEnabled(db(), user.countyCode, req.params.code, req.body.enabled, actorOf(user));
      return { ok: true };
    },
  );

  r.get(
    '/quality/import-check/:importId',
    {
      config: { permission: 'registry.import' },
      schema: { tags: ['数据清洗'], summary: '导入预览的数据清洗预检（写入前）', params: ImportCheckParam, response: { 200: ImportCheck } },
    },
    async (req) => {
      const user = requirePermission(req, 'registry.import');
      return checkImport(db(), user.countyCode, req.params.importId);
    },
  );

  r.post(
    '/quality/runs',
    {
      config: { permission: 'quality.run', countyLevel: true },
      schema: { tags: ['数据清洗'], summary: '运行数据清洗（全部或指定户）', body: RunBody, response: { 200: RunSummary } },
    },
    async (req) => {
      const user = requirePermission(req, 'quality.run');
      return runOnRegister(db(), user.countyCode, { asOf: req.body.asOf, householdNos: req.body.householdNos, actor: actorOf(user) });
    },
  );

  r.get(
    '/quality/problems',
    {
      config: { permission: 'quality.work' },
      schema: { tags: ['数据清洗'], summary: '问题清单（按乡镇、村、规则、严重程度、状态筛选）', querystring: ProblemQuery, response: { 200: ProblemList } },
    },
    async (req) => {
      const user = requirePermission(req, 'quality.work');
      const q = req.query;
      assertRegionCodes(user.regionCode, [q.townshipCode, q.villageCode]);
      const out = await problemsInRegion(db(), user.countyCode, { ...q, scope: user.regionCode });
      return { total: out.total, items: out.items.map((i) => ({ ...i, idNumber: maskWritten(i.idNumber), message: maskInText(i.message) })) };
    },
  );

  r.patch(
    '/quality/problems/:id',
    {
      config: { permission: 'quality.work' },
      schema: {
        tags: ['数据清洗'],
        summary: '处理问题：确认无误（须填理由）、已更正、指派',
        params: ProblemIdParam,
        body: ProblemUpdate,
        response: { 200: Ok },
      },
    },
    async (req) => {
      const user = requirePermission(req, 'quality.work');
      await updateProblem(db(), user.countyCode, req.params.id, user.regionCode, req.body, actorOf(user));
      return { ok: true };
    },
  );

  r.get(
    '/quality/problems.xlsx',
    {
      config: { permission: 'quality.work' },
      schema: {
        tags: ['数据清洗'],
        summary: '导出问题清单（xlsx，发给村里核实；身份证号已遮蔽）',
        querystring: ProblemQuery.omit({ page: true, pageSize: true }),
        response: { 200: fileAnswer('数据清洗问题清单 xlsx') },
      },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'quality.work');
      const out = await problemsInRegion(db(), user.countyCode, { ...req.query, scope: user.regionCode, page: 1, pageSize: 100_000 });
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('数据清洗问题清单');
      ws.columns = [
        ['规则代码', 14],
        ['规则名称', 20],
        ['严重程度', 8],
        ['户编号', 18],
        ['身份证号', 20],
        ['姓名', 10],
        ['村代码', 14],
        ['说明', 70],
        ['状态', 8],
        ['理由', 20],
        ['指派', 10],
        ['核实结果（村填写）', 24],
      ].map(([header, width]) => ({ header: header as string, width: width as number }));
      for (const i of out.items) {
        ws.addRow(
          [
            i.ruleCode,
            i.ruleName,
            i.severity,
            i.householdNo,
            maskWritten(i.idNumber),
            i.name,
            i.villageCode,
            maskInText(i.message),
            i.status,
            i.reason ?? '',
            i.assignedTo ?? '',
            '',
          ].map((v) => (typeof v === 'string' ? guardFormula(v) : v)),
        );
      }
      ws.getRow(1).font = { bold: true };
      const buf = Buffer.from(await wb.xlsx.writeBuffer());
      await auditProblemsExport(db(), actorOf(user), user.countyCode, out.items.length, req.query);
      const name = `数据清洗问题清单_${user.regionCode}_${todayIso()}.xlsx`;
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', attachmentDisposition(name, 'problems.xlsx'))
        .send(buf);
    },
  );

  r.get(
    '/quality/trend',
    {
      config: { permission: 'quality.work' },
      schema: { tags: ['数据清洗'], summary: '未处理问题趋势与核实更正数', querystring: TrendQuery, response: { 200: Trend } },
    },
    async (req) => {
      const user = requirePermission(req, 'quality.work');
      return qualityTrend(db(), user.countyCode, req.query.since);
    },
  );
}
