// The monitoring capability's public face (防返贫监测): routes, the loans interface the
// microcredit capability fills, the demo loader and the pure pieces other code may reuse.
export { registerMonitoringRoutes } from './monitoring.routes.ts';
export { registerLoanLookup, type LoanSummary, type LoansByIdNumbers } from './loans-port.ts';
export { loadMonitoringDemo } from './demo.ts';
export { matchAlert, PopulationIndex, readAlertRow, ALERT_SPEC } from './alerts.ts';
export { readAlertFile } from './alert-file.ts';
export { computeFigures, inDrill } from './figures.ts';
export * from './codes.ts';
