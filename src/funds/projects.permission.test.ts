// Routes × roles for the project life cycle: who may read, enter, approve and plan, and that a
// township or unit outside the project is refused (403/404). The every-route test covers 401
// and CSRF for these routes through the OpenAPI document.
import { describe, it, before, after } from 'node:test';
import { startTestApp, type TestApp } from '../../test/kit/http.ts';
import { loginAs } from '../auth/index.ts';
import { assertPermissionMatrix } from '../auth/permission-matrix.testkit.ts';

const C = '430582',
  T = '430582001',
  V = T + '201';

describe('project routes: permission matrix', () => {
  let h: TestApp;
  before(async () => {
    h = await startTestApp('pglite');
    const county = (await loginAs(h.app, h.ctx, { role: 'county', regionCode: C })).headers;
    const r = await h.call('POST', '/api/funds/projects', county, {
      projectNo: 'PM-1',
      name: '产业路',
      year: 2026,
      villageCode: V,
      category: '基础设施',
      plannedFen: 100000,
    });
    if (r.statusCode !== 201) throw new Error(r.body);
  });
  after(async () => {
    await h.close();
  });

  it('refuses who it must', async () => {
    const P = '/api/funds/projects/PM-1';
    await assertPermissionMatrix(
      h.app,
      h.ctx,
      [
        { method: 'GET', url: '/api/funds/projects', permission: 'projects.read' },
        { method: 'GET', url: P, permission: 'projects.read', scopedTo: V },
        { method: 'GET', url: `${P}/documents/1`, permission: 'projects.read', scopedTo: V },
        { method: 'POST', url: '/api/funds/projects', permission: 'projects.enter', payload: { projectNo: '', name: '' } },
        {
          method: 'POST',
          url: `${P}/stages`,
          permission: 'projects.enter',
          scopedTo: V,
          payload: { data: { stage: 'approval', docNo: 'x' }, date: '2026-01-01' },
        },
        { method: 'POST', url: `${P}/progress`, permission: 'projects.enter', scopedTo: V, payload: { month: '2026-01', percent: 10 } },
        { method: 'POST', url: `${P}/documents?kind=其他`, permission: 'projects.enter', payload: {} },
        { method: 'POST', url: `${P}/stages/1/approve`, permission: 'projects.approve', scopedTo: V, payload: {} },
        { method: 'POST', url: `${P}/stages/1/return`, permission: 'projects.approve', scopedTo: V, payload: { note: '退回' } },
        { method: 'PUT', url: `${P}/plans`, permission: 'projects.plan', scopedTo: V, payload: { plans: [] } },
        { method: 'PUT', url: `${P}/task`, permission: 'projects.plan', scopedTo: V, payload: { leader: null, supervisingUnit: null, unit: null } },
        { method: 'POST', url: `${P}/rectifications/1/close`, permission: 'projects.approve', scopedTo: V, payload: { closedOn: '2026-01-01', note: '完成' } },
      ],
      { countyCode: C, townshipCode: T },
    );
  });
});
