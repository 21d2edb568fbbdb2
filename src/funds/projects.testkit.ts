// For tests of the project routes: upload the documents a stage needs and submit it, as one
// user; approve as another.
import assert from 'node:assert/strict';
import type { TestApp, Headers } from '../../test/kit/http.ts';
import { multipart } from '../../test/kit/http.ts';
import { requiredDocs, type Stage, type ProcurementMode } from './project-lifecycle.ts';

/** A tiny valid PNG (1×1), so previews have something real to show. */
export const PNG_1x1 = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f0b1d50000000049454e44ae426082',
  'hex',
);

export async function upload(
  h: TestApp,
  who: Headers,
  projectNo: string,
  kind: string,
  body: Buffer = Buffer.from(`%PDF-1.4 ${kind} ${Math.random()}`),
  filename = `${kind}.pdf`,
  mime = 'application/pdf',
): Promise<number> {
  const m = multipart(filename, body, mime);
  const r = await h.app.inject({
    method: 'POST',
    url: `/api/funds/projects/${encodeURIComponent(projectNo)}/documents?kind=${encodeURIComponent(kind)}`,
    headers: { ...who, ...m.headers },
    payload: m.payload,
  });
  assert.equal(r.statusCode, 201, r.body);
  return r.json().id;
}

/** Uploads the stage's required documents and submits it; returns the project page. */
export async function submit(h: TestApp, who: Headers, projectNo: string, data: Record<string, unknown> & { stage: Stage }, date: string, expect = 201) {
  const docs = requiredDocs(data.stage, (data as { mode?: ProcurementMode }).mode);
  const ids: number[] = [];
  for (const k of docs) ids.push(await upload(h, who, projectNo, k));
  const r = await h.call('POST', `/api/funds/projects/${encodeURIComponent(projectNo)}/stages`, who, { data, date, documentIds: ids });
  assert.equal(r.statusCode, expect, r.body);
  return r.json();
}

export async function approvePending(h: TestApp, who: Headers, projectNo: string, expect = 200) {
  const p = (await h.call('GET', `/api/funds/projects/${encodeURIComponent(projectNo)}`, who)).json();
  const pending = p.stages.find((s: { status: string }) => s.status === 'pending');
  assert.ok(pending, `no pending stage on ${projectNo}`);
  const r = await h.call('POST', `/api/funds/projects/${encodeURIComponent(projectNo)}/stages/${pending.id}/approve`, who, { note: '同意' });
  assert.equal(r.statusCode, expect, r.body);
  return r.json();
}
