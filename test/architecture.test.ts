// Conventions a machine can check (STYLE.md): shared/ imports no capability; a capability
// uses another only through its index.ts; the web app imports of the server only its contracts (schemas) and the permission table; no file
// names a machine path.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname, resolve, relative, sep } from 'node:path';

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx)$/.test(name)) out.push(p);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2]).filter((s) => s.startsWith('.'));
}

/** capability folder of a src file: src/<cap>/..., or '' for src/*.ts */
const capOf = (file: string) => {
  const parts = relative('src', file).split(sep);
  return parts.length > 1 ? parts[0] : '';
};

describe('architecture', () => {
  const src = walk('src');

  it('shared/ imports no capability', () => {
    const bad: string[] = [];
    for (const f of src.filter((f) => capOf(f) === 'shared')) {
      for (const i of importsOf(f)) {
        const target = resolve(dirname(f), i);
        if (capOf(relative('.', target)) !== 'shared') bad.push(`${f} → ${i}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('a capability uses another only through its index.ts', () => {
    const bad: string[] = [];
    for (const f of src) {
      const from = capOf(f);
      if (!from || from === 'shared' || f.endsWith('.test.ts') || f.includes('.testkit.')) continue;
      for (const i of importsOf(f)) {
        const target = relative('.', resolve(dirname(f), i));
        const to = capOf(target);
        if (!to || to === 'shared' || to === from) continue;
        // permissions.ts is auth's pure table, imported as data
        if (!/index\.ts$/.test(target) && !/auth[\\/]permissions\.ts$/.test(target)) bad.push(`${f} → ${i}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('the web app does not import server code', () => {
    const bad: string[] = [];
    for (const f of walk('web/src')) {
      for (const i of importsOf(f)) {
        const target = relative('.', resolve(dirname(f), i));
        if (target.startsWith('src' + sep) && !/\.schema\.ts$|\.contract\.ts$|permissions\.ts$/.test(target)) bad.push(`${f} → ${i}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('no file names a machine path', () => {
    const bad = [...src, ...walk('web/src'), ...walk('bench'), ...walk('test')]
      .filter((f) => /['"`]\/(?:work|home|root|Users)\//.test(readFileSync(f, 'utf8')));
    assert.deepEqual(bad, []);
  });
});
