// The subsidy capability's public face: what other capabilities import.
export { SUBSIDY_DEFAULTS, settingsInForce, type SubsidySettings, type PeriodKind, type AccountFallback } from './settings.ts';
export { loadSettings, listSettingRows } from './settings.store.ts';
export {
  saveSettings,
  buildPayroll,
  rebuildPayroll,
  reviewPayroll,
  closePayroll,
  deletePayroll,
  saveTemplate,
  prepareBankExport,
  importBankReturn,
} from './subsidy.service.ts';
export { getPayroll, listPayrolls, listLines, listExclusions, listFailures, lineReason } from './payroll.store.ts';
export type { Payroll, PaymentLine, ImportSummary } from './subsidy.contract.ts';
export { STATUS_NAMES, KIND_NAMES, RESULT_NAMES, FLAG_NAMES, type PayrollStatus, type PayrollKind } from './payroll.ts';
export { BUILTIN_TEMPLATES, BANK_FIELDS, BANK_FIELD_KIND, type BankTemplate } from './bankfile.ts';
export { listTemplates, getTemplate, writeBankFile } from './bankfile.store.ts';
export { noticeRows } from './subtotals.store.ts';
export { noticeHtml, noticeXlsx } from './notice.ts';
export { streamRecordedPayments, paidFigures, type RecordedPayment, type PaidFigures } from './recorded.store.ts';
