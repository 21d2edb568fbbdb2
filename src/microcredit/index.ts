// The microcredit capability's public face: what other capabilities import.
export { registerMicrocreditRoutes } from './microcredit.routes.ts';
export {
  loansByIdNumbers,
  loanSummariesByIdNumbers,
  importBook,
  computeRun,
  advanceRun,
  quarterFromDatabase,
  type ImportOutcome,
  type BookUpload,
} from './microcredit.service.ts';
export { loanState, dueLoans, handlingOf, type LoanState, type Handling } from './figures.ts';
export { quarterSubsidy, loanQuarter, type SubsidyLine } from './subsidy.ts';
export { checkBook, type Loan, type Book, type Rejection } from './book.ts';
export { loadMicrocreditDemo } from './demo.ts';
