import { buildApp } from '../src/app.ts';
import { createTestDatabase } from '../src/shared/db/testing.ts';
const t = await createTestDatabase('pglite');
const app = await buildApp({ database: t, config: { version: 'test', secureCookies: false } } as any);
await app.ready();
const doc = app.swagger() as any;
let n=0, withResp=0; const missing: string[] = [];
for (const [p, ops] of Object.entries<any>(doc.paths)) for (const [m, op] of Object.entries<any>(ops)) {
  n++;
  const ok = Object.entries<any>(op.responses ?? {}).some(([c, r]) => /^2/.test(c) && r.content);
  if (ok) withResp++; else missing.push(`${m.toUpperCase()} ${p}`);
}
console.log(n, withResp);
console.log(JSON.stringify(missing, null, 0));
await app.close(); await t.drop();
