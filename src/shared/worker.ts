// Run a CPU-heavy function (reading a large upload) in a worker thread, so the server's event
// loop keeps answering while it works. The function is named by its module and export; its
// arguments and result cross by structured clone (keep them small: paths in, counts out).
// A Chinese AppError thrown in the worker comes back as the same AppError.
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from './errors.ts';
import { sourceModule } from './paths.ts';

const ENTRY = sourceModule('src/shared/worker-entry.mjs');

export function runInWorker<T>(moduleUrl: URL | string, fn: string, args: unknown[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // the entry registers tsx in the worker itself, whatever started this process
    const w = new Worker(ENTRY, { workerData: { moduleUrl: String(moduleUrl), fn, args } });
    let settled = false;
    w.once('message', (m: { ok: true; result: T } | { ok: false; error: { code?: ErrorCode; message: string; details?: unknown } }) => {
      settled = true;
      if (m.ok) resolve(m.result);
      else reject(m.error.code ? new AppError(m.error.code, m.error.message, m.error.details) : new Error(m.error.message));
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
        reject(new AppError('INTERNAL', `后台读取文件的线程意外退出（${code}）`));
      }
    });
  });
}
