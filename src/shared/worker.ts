// Run a CPU-heavy function (reading a large upload) in a worker thread, so the server's event
// loop keeps answering while it works. The function is named by its module and export; its
// arguments and result cross by structured clone (keep them small: paths in, counts out).
// A Chinese AppError thrown in the worker comes back as the same AppError. A function whose
// result is large (the records of a roster) is an async generator run by streamInWorker: its
// items come back one at a time, each cloned in a short step of the server's loop.
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from './errors.ts';
import { sourceModule } from './paths.ts';

const ENTRY = sourceModule('src/shared/worker-entry.mjs');

type Failure = { ok: false; error: { code?: ErrorCode; message: string; details?: unknown } };
const errorOf = (m: Failure) => (m.error.code ? new AppError(m.error.code, m.error.message, m.error.details) : new Error(m.error.message));
const exited = (code: number) => new AppError('INTERNAL', `后台读取文件的线程意外退出（${code}）`);

/** How many worker threads each function was started in (`file#export`), for tests and diagnostics. */
export const workerStarts = new Map<string, number>();

function start(moduleUrl: URL | string, fn: string, args: unknown[], stream: boolean): Worker {
  const name = `${String(moduleUrl).split('/').pop()}#${fn}`;
  workerStarts.set(name, (workerStarts.get(name) ?? 0) + 1);
  // the entry registers tsx in the worker itself, whatever started this process
  return new Worker(ENTRY, { workerData: { moduleUrl: String(moduleUrl), fn, args, stream } });
}

export function runInWorker<T>(moduleUrl: URL | string, fn: string, args: unknown[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const w = start(moduleUrl, fn, args, false);
    let settled = false;
    w.once('message', (m: { ok: true; result: T } | Failure) => {
      settled = true;
      if (m.ok) resolve(m.result);
      else reject(errorOf(m));
      void w.terminate();
    });
    w.once('error', (e) => {
      if (!settled) {
        settled = true;
        reject(e);
      }
    });
    w.once('exit', (code) => {
      if (!settled) {
        settled = true;
        reject(exited(code));
      }
    });
  });
}

/**
 * Iterate an async generator that runs in a worker thread. The worker prepares the next item
 * while this thread handles the current one, and never more: each item is cloned in its own
 * short step. `onEvent` receives what the generator passes to its last argument, `emit`.
 * Leaving the loop early stops the worker.
 */
export async function* streamInWorker<T>(moduleUrl: URL | string, fn: string, args: unknown[], onEvent?: (event: unknown) => void): AsyncGenerator<T> {
  const w = start(moduleUrl, fn, args, true);
  const items: T[] = [];
  let finished = false;
  let failure: Error | null = null;
  let wake = () => {};
  w.on('message', (m: { event: unknown } | { item: T } | { ok: true; done: true } | Failure) => {
    if ('event' in m) onEvent?.(m.event);
    else if ('item' in m) items.push(m.item);
    else if (m.ok) finished = true;
    else failure ??= errorOf(m);
    wake();
  });
  w.once('error', (e) => {
    failure ??= e;
    wake();
  });
  w.once('exit', (code) => {
    if (!finished) failure ??= exited(code);
    wake();
  });
  try {
    w.postMessage('next');
    for (;;) {
      if (items.length) {
        const item = items.shift() as T;
        if (!finished && !failure) w.postMessage('next');
        yield item;
        continue;
      }
      if (failure) throw failure;
      if (finished) return;
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    w.removeAllListeners('message');
    await w.terminate();
  }
}
