// The cases capability's public face: what other capabilities (the demo county) import.
export { uploadInput, runNow, listFindings } from './runs.service.ts';
export type { CrosscheckRun, Case } from './cases.contract.ts';
export { listCases, verifyCase, caseToRemoval, addInstalment, getRecovery } from './cases.service.ts';
export { registerCasesRoutes } from './cases.routes.ts';
