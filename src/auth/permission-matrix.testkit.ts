// For every capability's tests: walk routes × roles and check the server refuses who it must.
//   await assertPermissionMatrix(app, ctx, [
//     { method: 'GET', url: '/api/persons?q=张', permission: 'registry.read' },
//     { method: 'POST', url: '/api/adjustments', permission: 'adjustment.enter', payload: {...}, scopedTo: '430582101' },
//   ], { countyCode: '430582' });
// Checks: without login → 401; each role without the permission → 403; each role with it
// (placed at the county; the township role at a township inside) → neither 401 nor 403 (or
// exactly `holderStatus`); with `scopedTo`, each role with the permission placed in a township
// OUTSIDE that region → 403 or 404.
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../shared/context.ts';
import { ROLES, hasPermission, type Permission, type Role } from './permissions.ts';
import { loginAs, type LoggedIn } from './testkit.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  method: HttpMethod;
  url: string;
  /** null: any logged-in user may call it */
  permission: Permission | null;
  payload?: unknown;
  /** the data the route touches lies in this region (township or village code) */
  scopedTo?: string;
  /** exact status expected for a role holding the permission (default: anything but 401/403) */
  holderStatus?: number;
  /** roles that hold the permission but must still be refused here (e.g. a county-only action) */
  alsoForbidden?: Role[];
}

export interface MatrixOptions {
  countyCode: string;
  /** township code inside the county for the township role (default countyCode + '001') */
  townshipCode?: string;
  /** township code used as "outside" for scoped routes (default: one not containing scopedTo) */
  outsideTownshipCode?: string;
}

async function call(app: FastifyInstance, spec: RouteSpec, headers?: Record<string, string>) {
  const res = await app.inject({ method: spec.method, url: spec.url, headers, ...(spec.payload === undefined ? {} : { payload: spec.payload as never }) });
  let code = '';
  try {
    code = (res.json() as { error?: { code?: string } }).error?.code ?? '';
  } catch {
    /* not JSON */
  }
  return { status: res.statusCode, code };
}

/** Returns the mismatches (empty when the server behaves). */
export async function permissionMatrix(app: FastifyInstance, ctx: AppContext, specs: RouteSpec[], opts: MatrixOptions): Promise<string[]> {
  const township = opts.townshipCode ?? opts.countyCode + '001';
  const sessions = new Map<string, LoggedIn>();
  const sessionFor = async (role: Role, regionCode: string) => {
    const key = `${role}@${regionCode}`;
    if (!sessions.has(key)) sessions.set(key, await loginAs(app, ctx, { role, regionCode }));
    return sessions.get(key)!;
  };
  const bad: string[] = [];
  for (const spec of specs) {
    const name = `${spec.method} ${spec.url}`;
    const anon = await call(app, spec);
    if (anon.status !== 401) bad.push(`${name} 未登录：应为401，实际${anon.status}`);
    for (const role of ROLES) {
      const region = role === 'township' ? township : opts.countyCode;
      const holds = spec.permission === null || hasPermission({ role }, spec.permission);
      const refused = !holds || (spec.alsoForbidden ?? []).includes(role);
      const r = await call(app, spec, (await sessionFor(role, region)).headers);
      if (refused) {
        if (r.status !== 403 || r.code !== 'FORBIDDEN') bad.push(`${name} ${role}：应为403 FORBIDDEN，实际${r.status} ${r.code}`);
      } else if (spec.holderStatus !== undefined ? r.status !== spec.holderStatus : r.status === 401 || r.status === 403) {
        bad.push(`${name} ${role}：有权限，应${spec.holderStatus ?? '不为401/403'}，实际${r.status} ${r.code}`);
      }
      if (spec.scopedTo && !refused) {
        const outside = opts.outsideTownshipCode ?? (spec.scopedTo.startsWith(opts.countyCode + '999') ? opts.countyCode + '998' : opts.countyCode + '999');
        const o = await call(app, spec, (await sessionFor(role, outside)).headers);
        if (o.status !== 403 && o.status !== 404) bad.push(`${name} ${role}（辖区外 ${outside}）：应为403或404，实际${o.status} ${o.code}`);
      }
    }
  }
  return bad;
}

/** Fails the test listing every mismatch. */
export async function assertPermissionMatrix(app: FastifyInstance, ctx: AppContext, specs: RouteSpec[], opts: MatrixOptions): Promise<void> {
  assert.deepEqual(await permissionMatrix(app, ctx, specs, opts), []);
}
