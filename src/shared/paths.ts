// Where the project's files are, found from wherever this code runs: the TypeScript sources
// (src/…) or the command line's bundle (dist/cli/<key>/…). Every file the program reads beside
// its code (migrations, the web build, the password blocklist, modules run in a worker) is
// named from the project root here, so the bundle and the sources find the same files.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

function findRoot(from: string): string {
  for (let dir = dirname(from); ; ) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'migrations'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`找不到安居的程序目录（从 ${from} 向上查找 package.json 和 migrations）`);
    dir = up;
  }
}

export const ROOT = findRoot(fileURLToPath(import.meta.url));

/** A path inside the project, e.g. fromRoot('migrations'). */
export const fromRoot = (...parts: string[]): string => join(ROOT, ...parts);

/** A TypeScript module of the sources as a URL, for a worker thread to load (src/…). */
export const sourceModule = (path: string): URL => pathToFileURL(fromRoot(path));
