// Funds and projects (FORMATS §8): what other capabilities may use.
export * from './ledger.types.ts';
export { LEDGER_COLUMNS, readBatchRow, readProjectRow, readMoneyRow, type MoneyRow } from './ledger-rows.ts';
export { LedgerChecker, type SheetCounts } from './ledger-check.ts';
export { checkLedgerSource, openLedger, rejectedCsv, rateTableCsv, writeRateTable, ledgerRates, REJECTED_HEADERS, type LedgerSource } from './ledger-file.ts';
export { computeRates, sumMoney, percent, compareCodePoints, BATCH_KEYS, PROJECT_KEYS, BATCH_RATE_HEADERS, PROJECT_RATE_HEADERS, RATE_KEY_LABELS } from './rates.ts';
