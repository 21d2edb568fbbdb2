// The cases capability's public face: what other capabilities (the demo county) import.
export { uploadInput, runNow, listFindings } from './runs.store.ts';
export type { CrosscheckRun } from './cases.contract.ts';
export { listCases, verifyCase, type Case } from './cases.store.ts';
export { caseToRemoval } from './adjust.store.ts';
export { addInstalment, getRecovery } from './recovery.store.ts';
export { registerCasesRoutes } from './cases.routes.ts';
