// receiveUpload: streamed to a temporary file, hashed, cut off at the route's limit with a
// Chinese 413; the temporary file goes away. receiveUploads: several files held to one limit together.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import { isAppError } from '../errors.ts';
import { receiveUpload, receiveUploads, receiveFileSet } from './upload.ts';

function multipartFields(parts: [string, Buffer][]) {
  const boundary = '----anju' + Date.now();
  const body = Buffer.concat([
    ...parts.flatMap(([field, content]) => [
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${field}.csv"\r\nContent-Type: text/csv\r\n\r\n`),
      content,
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body };
}

function multipart(content: Buffer, filename = '花名册.csv') {
  const boundary = '----anju' + Date.now();
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${encodeURIComponent(filename)}"\r\nContent-Type: text/csv\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body };
}

describe('receiveUpload', () => {
  let app: FastifyInstance;
  let lastPath = '';
  before(async () => {
    app = Fastify();
    await app.register(fastifyMultipart, { limits: { fileSize: 1 << 30 } });
    app.setErrorHandler((e, _req, reply) =>
      isAppError(e) ? reply.status(e.status).send({ code: e.code, message: e.message }) : reply.status(500).send({ message: String(e) }),
    );
    app.post('/up', async (req) => {
      const f = await receiveUpload(req, { maxBytes: 64 * 1024, what: '花名册文件' });
      lastPath = f.path;
      try {
        const content = await f.read();
        return { size: f.size, sha256: f.sha256, same: createHash('sha256').update(content).digest('hex') === f.sha256, onDisk: existsSync(f.path) };
      } finally {
        await f.remove();
      }
    });
    app.post('/many', async (req) => {
      const { files, remove } = await receiveUploads(req, { fields: ['loans', 'rates'], maxBytes: 64 * 1024, what: '贷款台账文件' });
      try {
        return Object.fromEntries(await Promise.all(Object.entries(files).map(async ([k, f]) => [k, (await f!.read()).toString()])));
      } finally {
        await remove();
      }
    });
    app.post('/set', async (req) => {
      const up = await receiveFileSet(req, { maxBytes: 64 * 1024, maxFiles: 3, what: '台账文件' });
      try {
        return { names: up.files.map((f) => f.filename), sizes: up.files.map((f) => f.size) };
      } finally {
        await up.remove();
      }
    });
  });
  after(() => app.close());

  const several = (files: { name: string; content: Buffer }[]) => {
    const boundary = '----anjumany';
    const parts = files.flatMap((f) => [
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: text/csv\r\n\r\n`),
      f.content,
      Buffer.from('\r\n'),
    ]);
    return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]) };
  };

  it('receives several files of one request with their names, the limit holding for them together', async () => {
    const ok = await app.inject({
      method: 'POST',
      url: '/set',
      ...several([
        { name: '项目.csv', content: Buffer.alloc(30 * 1024, 0x41) },
        { name: '拨付.csv', content: Buffer.from('a,b\n') },
      ]),
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { names: ['项目.csv', '拨付.csv'], sizes: [30 * 1024, 4] });
    const big = await app.inject({
      method: 'POST',
      url: '/set',
      ...several([
        { name: 'a.csv', content: Buffer.alloc(40 * 1024, 0x41) },
        { name: 'b.csv', content: Buffer.alloc(40 * 1024, 0x41) },
      ]),
    });
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().message, '台账文件合计不能超过64KB，请拆分后再上传');
    const empty = await app.inject({ method: 'POST', url: '/set', ...several([{ name: '报账.csv', content: Buffer.alloc(0) }]) });
    assert.match(empty.json().message, /“报账\.csv”为空/);
    const four = await app.inject({
      method: 'POST',
      url: '/set',
      ...several(['a', 'b', 'c', 'd'].map((n) => ({ name: `${n}.csv`, content: Buffer.from('x') }))),
    });
    assert.match(four.json().message, /最多上传3个文件/);
  });

  it('keeps the file on disk with its sha256 while the route works, then removes it', async () => {
    const content = Buffer.from('户编号,姓名\n' + 'H1,张三\n'.repeat(1000));
    const res = await app.inject({ method: 'POST', url: '/up', ...multipart(content) });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { size: content.length, sha256: createHash('sha256').update(content).digest('hex'), same: true, onDisk: true });
    assert.equal(existsSync(lastPath), false);
  });

  it('refuses a file over the route limit with 413 and a Chinese message', async () => {
    const res = await app.inject({ method: 'POST', url: '/up', ...multipart(Buffer.alloc(100 * 1024, 0x41)) });
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().message, '花名册文件不能超过64KB，请拆分后再上传');
  });

  it('refuses an empty file and a request that is not multipart', async () => {
    assert.match((await app.inject({ method: 'POST', url: '/up', ...multipart(Buffer.alloc(0)) })).json().message, /为空/);
    const notMp = await app.inject({ method: 'POST', url: '/up', payload: { a: 1 } });
    assert.equal(notMp.statusCode, 400);
    assert.match(notMp.json().message, /multipart/);
  });

  it('receives several named files, each in its own temporary file, and keeps the limit for each', async () => {
    const ok = await app.inject({
      method: 'POST',
      url: '/many',
      ...multipartFields([
        ['rates', Buffer.from('b')],
        ['loans', Buffer.from('a')],
      ]),
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { loans: 'a', rates: 'b' });
    const big = await app.inject({ method: 'POST', url: '/many', ...multipartFields([['loans', Buffer.alloc(100 * 1024, 0x41)]]) });
    assert.equal(big.statusCode, 413);
    assert.match(big.json().message, /贷款台账文件每个不能超过64KB/);
  });
});
