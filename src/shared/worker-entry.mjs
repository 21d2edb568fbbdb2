// The body of a worker thread started by runInWorker or streamInWorker (src/shared/worker.ts):
// TypeScript through tsx in this thread too, then import the module, call the export, post the
// result back. A streamed export is an async generator: each item it yields is posted when the
// caller asks for one ('next'), so a slow caller is never flooded; `emit` (its last argument)
// posts small events (progress) at once.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { moduleUrl, fn, args, stream } = workerData;
const failure = (e) => {
  const app = e && e.name === 'AppError' && typeof e.code === 'string';
  return {
    ok: false,
    error: app ? { code: e.code, message: e.message, details: e.details ?? null } : { message: e instanceof Error ? e.message : String(e) },
  };
};
try {
  const m = await import(moduleUrl);
  if (!stream) {
    const result = await m[fn](...args);
    parentPort.postMessage({ ok: true, result });
  } else {
    let asked = 0;
    let wake = () => {};
    parentPort.on('message', (msg) => {
      if (msg === 'next') {
        asked++;
        wake();
      }
    });
    for await (const item of m[fn](...args, (event) => parentPort.postMessage({ event }))) {
      while (asked === 0) await new Promise((r) => (wake = r));
      asked--;
      parentPort.postMessage({ item });
    }
    parentPort.postMessage({ ok: true, done: true });
  }
} catch (e) {
  parentPort.postMessage(failure(e));
}
