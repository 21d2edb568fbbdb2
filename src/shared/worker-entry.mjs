// The body of a worker thread started by runInWorker (src/shared/worker.ts): TypeScript through
// tsx in this thread too, then import the module, call the export, post the result back.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { moduleUrl, fn, args } = workerData;
try {
  const m = await import(moduleUrl);
  const result = await m[fn](...args);
  parentPort.postMessage({ ok: true, result });
} catch (e) {
  const app = e && e.name === 'AppError' && typeof e.code === 'string';
  parentPort.postMessage({
    ok: false,
    error: app ? { code: e.code, message: e.message, details: e.details ?? null } : { message: e instanceof Error ? e.message : String(e) },
  });
}
