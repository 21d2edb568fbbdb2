#!/usr/bin/env node
// The command-line tool. It runs from a bundle of its TypeScript sources, built here with esbuild
// (a fraction of a second) when there is none for the sources as they are now: loading several
// hundred TypeScript modules one by one through tsx costs seconds on every call, and other
// tools call `anju` often. So `npx anju` works right after `npm install`, and an edited source
// is never run stale. ANJU_CLI_SOURCE=1 runs the sources through tsx instead (and so does any
// failure to build or write the bundle).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

async function fromSources() {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}

/** A key of the sources as they are: every file's path, size and time under src/, and package.json. */
function sourcesKey() {
  const h = createHash('sha256');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.includes('.test.')) {
        const s = statSync(p);
        h.update(`${p}\0${s.size}\0${s.mtimeMs}\n`);
      }
    }
  };
  walk(join(root, 'src'));
  const pkg = statSync(join(root, 'package.json'));
  h.update(`package.json\0${pkg.size}\0${pkg.mtimeMs}`);
  return h.digest('hex').slice(0, 16);
}

async function bundle() {
  const base = join(root, 'dist', 'cli');
  const key = sourcesKey();
  const out = join(base, key);
  if (existsSync(join(out, 'cli.js'))) return join(out, 'cli.js');
  const { build } = await import('esbuild');
  const part = join(base, `.${key}.${process.pid}`);
  await build({
    entryPoints: [join(root, 'src', 'cli.ts')],
    outdir: part,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  // built under a private name, then renamed: another process never sees half a bundle
  try {
    renameSync(part, out);
  } catch {
    rmSync(part, { recursive: true, force: true }); // another process was first: use its bundle
  }
  // bundles of older sources go after a day (a long run may still load chunks from its own)
  const dayAgo = Date.now() - 86_400_000;
  for (const name of readdirSync(base)) {
    const p = join(base, name);
    if (name !== key && statSync(p).mtimeMs < dayAgo) rmSync(p, { recursive: true, force: true });
  }
  return join(out, 'cli.js');
}

if (process.env.ANJU_CLI_SOURCE === '1') await fromSources();
else {
  let entry = null;
  try {
    mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
    entry = await bundle();
  } catch {
    entry = null; // no esbuild, a read-only folder: the sources run as they are
  }
  if (entry) await import(pathToFileURL(entry).href);
  else await fromSources();
}
