// HTTP for roster import and export. Import: upload → preview (a job) → apply (a job) → result;
// the rows lists are paged; the problems list downloads as xlsx. Export: filtered xlsx/csv,
// masked unless the role may see personal data, every export audited.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requirePermission, canUnmask, actorOf } from '../auth/index.ts';
import { AppError } from '../shared/errors.ts';
import { receiveUpload } from '../shared/http/upload.ts';
import { attachmentDisposition } from '../shared/http/attachment.ts';
import type { AppContext } from '../shared/context.ts';
import { startImportPreview, startImportApply, recentImports, importView, importProblems } from './roster-import.ts';
import { exportRoster, problemsXlsx } from './roster-export.ts';
import { fileAnswer } from '../shared/http/attachment.ts';
import { ExportQuery, ImportId, ImportList, ImportListQuery, ImportStarted as Started, ImportView, ImportViewQuery } from './registry.contract.ts';

const TAG = ['花名册导入导出'];
const MAX_UPLOAD = 256 * 1024 * 1024;
/** A file goes out as is: Fastify sends a Buffer untouched, and fileAnswer describes it as a binary string. */

export async function registerRosterRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = ctx.database.db;

  r.post(
    '/registry/imports/preview',
    {
      config: { permission: 'registry.import' },
      schema: {
        tags: TAG,
        summary: '上传花名册并预览（multipart，字段file；后台任务，返回任务号）',
        consumes: ['multipart/form-data'],
        response: { 202: Started },
      },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'registry.import');
      const file = await receiveUpload(req, { maxBytes: MAX_UPLOAD, what: '花名册文件' });
      let started: Awaited<ReturnType<typeof startImportPreview>>;
      try {
        // the file is moved into the upload store: removing the temporary folder after is harmless
        started = await startImportPreview(db, {
          upload: file,
          filename: file.filename,
          countyCode: user.countyCode,
          userId: user.id,
          regionCode: user.regionCode,
        });
      } finally {
        await file.remove();
      }
      return reply.status(202).send(started);
    },
  );

  r.post(
    '/registry/imports/:id/apply',
    {
      config: { permission: 'registry.import' },
      schema: { tags: TAG, summary: '确认导入（一次事务；后台任务，返回任务号）', params: ImportId, response: { 202: Started } },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'registry.import');
      const announce = () =>
        ctx.events?.registerChanged({
          countyCode: user.countyCode,
          householdNos: null,
          actor: { userId: user.id, username: user.username },
          source: 'roster.import',
        });
      return reply.status(202).send(await startImportApply(db, req.params.id, user, announce));
    },
  );

  r.get(
    '/registry/imports',
    {
      config: { permission: 'registry.import' },
      schema: {
        tags: TAG,
        summary: '本县最近的花名册导入',
        querystring: ImportListQuery,
        response: { 200: ImportList },
      },
    },
    async (req) => {
      const user = requirePermission(req, 'registry.import');
      return { items: await recentImports(db, user.countyCode, req.query.limit) };
    },
  );

  r.get(
    '/registry/imports/:id',
    {
      config: { permission: 'registry.import' },
      schema: {
        tags: TAG,
        summary: '导入预览/结果：统计与分页的新增、变更、问题行',
        params: ImportId,
        querystring: ImportViewQuery,
        response: { 200: ImportView },
      },
    },
    async (req) => {
      const user = requirePermission(req, 'registry.import');
      return importView(db, user.countyCode, req.params.id, req.query.offset, req.query.limit);
    },
  );

  r.get(
    '/registry/imports/:id/problems.xlsx',
    {
      config: { permission: 'registry.import' },
      schema: {
        tags: TAG,
        summary: '下载问题清单（拒绝、更正、提示的行：行号、列、内容、原因）',
        params: ImportId,
        response: { 200: fileAnswer('导入问题清单 xlsx') },
      },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'registry.import');
      const { batch: b, problems } = await importProblems(db, user.countyCode, req.params.id);
      const content = await problemsXlsx(problems);
      const name = `导入问题清单_${(b.filename || '花名册').replace(/\.[^.]+$/, '')}.xlsx`;
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', attachmentDisposition(name, 'problems.xlsx'))
        .send(content);
    },
  );

  r.get(
    '/registry/export',
    {
      config: { permission: 'registry.export' },
      schema: {
        tags: TAG,
        summary: '导出花名册（xlsx/csv，按村、状态、关键词筛选；无权查看者脱敏；记审计）',
        querystring: ExportQuery,
        response: { 200: fileAnswer('花名册 xlsx 或 csv') },
      },
    },
    async (req, reply) => {
      const user = requirePermission(req, 'registry.export');
      const q = req.query;
      let scope = user.regionCode;
      for (const code of [q.township, q.village]) {
        if (!code) continue;
        if (!code.startsWith(user.regionCode) && !user.regionCode.startsWith(code)) throw new AppError('FORBIDDEN', '无权导出本辖区以外的数据');
        if (code.length > scope.length) scope = code;
      }
      const unmasked = canUnmask(user) && q.unmask !== '0' && q.unmask !== 'false';
      const out = await exportRoster(db, { scope, village: q.village, status: q.status, q: q.q, format: q.format, unmasked, actor: actorOf(user) });
      return reply
        .header('content-type', out.contentType)
        .header('content-disposition', attachmentDisposition(out.filename, `roster.${q.format}`))
        .header('x-row-count', String(out.rows))
        .header('x-masked', unmasked ? '0' : '1')
        .send(out.content);
    },
  );
}
