// Funds and projects (FORMATS §8): what other capabilities may use.
export * from './ledger.types.ts';
export { LEDGER_COLUMNS, readBatchRow, readProjectRow, readMoneyRow, type MoneyRow } from './ledger-rows.ts';
export { LedgerChecker, type SheetCounts } from './ledger-check.ts';
export { checkLedgerSource, openLedger, rejectedCsv, rateTableCsv, writeRateTable, ledgerRates, REJECTED_HEADERS, type LedgerSource } from './ledger-file.ts';
export {
  computeRates,
  sumMoney,
  percent,
  compareCodePoints,
  BATCH_KEYS,
  PROJECT_KEYS,
  BATCH_RATE_HEADERS,
  PROJECT_RATE_HEADERS,
  RATE_KEY_LABELS,
} from './rates.ts';
// the ledger in the database (money entries, import, rates, dispatch, routes, demo)
export { registerFundsRoutes } from './funds.routes.ts';
export { loadFundsDemo } from './demo.ts';
export { loadProjectsDemo } from './projects.demo.ts';
export { ratesFromDb, ratesInputFromDb } from './rates-db.ts';
export { importLedgerSource } from './ledger-import-file.ts';
