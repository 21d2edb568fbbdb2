// The subsidy capability's public face: what other capabilities import.
export { SUBSIDY_DEFAULTS, settingsInForce, type SubsidySettings, type PeriodKind, type AccountFallback } from './settings.ts';
export { loadSettings, saveSettings, listSettingRows } from './settings.store.ts';
export { buildPayroll, rebuildPayroll, getPayroll, listPayrolls, listLines, listExclusions, reviewPayroll, closePayroll, deletePayroll, listFailures, lineReason,
  type Payroll, type PaymentLine } from './payroll.store.ts';
export { STATUS_NAMES, KIND_NAMES, RESULT_NAMES, FLAG_NAMES, type PayrollStatus, type PayrollKind } from './payroll.ts';
export { BUILTIN_TEMPLATES, BANK_FIELDS, BANK_FIELD_KIND, type BankTemplate } from './bankfile.ts';
export { listTemplates, getTemplate, saveTemplate, prepareBankExport, writeBankFile } from './bankfile.store.ts';
export { importBankReturn, type ImportSummary } from './bankreturn.store.ts';
export { noticeRows, noticeHtml, noticeXlsx } from './notice.ts';
export { streamRecordedPayments, paidFigures, type RecordedPayment, type PaidFigures } from './recorded.store.ts';
