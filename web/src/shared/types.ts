// Shapes of the server's answers as the web app uses them. The server's zod schemas in
// src/*/*.routes.ts are the source of truth; keep these in step with them.

// what is left here belongs to capabilities whose contracts have not taken it over yet

export interface Paged<T> {
  items: T[];
  total: number;
  /** the roster search stops counting past a cap: the true total is larger */
  totalCapped?: boolean;
  /** how the roster search read the query: 姓名 / 身份证号 / 身份证号后几位 / 户编号 */
  interpretedAs?: string;
  page: number;
  pageSize: number;
}

/** Kept for the pages not yet moved: the job's answer is the system contract's JobResponse. */
export type { JobResponse as Job } from '../../../src/system/system.contract.ts';

export type PersonStatus = '正常' | '已核减';

export interface PersonRow {
  id: number;
  householdNo: string;
  name: string;
  idNumber: string;
  idValid?: boolean;
  sex: string | null;
  birthDate: string | null;
  relation: string;
  villageCode: string;
  townshipName: string;
  villageName: string;
  groupName: string;
  category: string | null;
  status: PersonStatus;
  removalDate: string | null;
  removalReason: string | null;
}

export interface PersonRowFull extends PersonRow {
  supportStart: string | null;
  supportEnd: string | null;
  phone: string;
  accountNo: string;
}

export interface HistoryEntry {
  at: string;
  who: string;
  action: string;
  what: string;
  why: string;
  source: 'audit' | 'adjustment';
  adjustmentId: number | null;
  changes: { field: string; before: unknown; after: unknown }[];
}

export interface PersonDetail {
  person: PersonRowFull & { idNumberRaw: string; reservoir: string; moveDate: string | null };
  account: { accountNo: string; bankName: string; holderName: string } | null;
  support: { start: string | null; end: string | null; endIsDefault: boolean };
  household: { householdNo: string; members: PersonRowFull[] };
  history: HistoryEntry[];
  masked: boolean;
}

export interface HouseholdDetail {
  householdNo: string;
  villageCode: string;
  groupName: string;
  townshipName: string;
  villageName: string;
  head: { id: number; name: string } | null;
  members: PersonRowFull[];
  history: HistoryEntry[];
  masked: boolean;
}

export interface RegionNode {
  code: string;
  name: string;
  level: 'county' | 'township' | 'village' | 'group';
  /** persons 正常 / 已核减 in the node */
  active: number;
  removed: number;
  children: RegionNode[];
}

export interface Figures {
  regionCode: string;
  year: number;
  households: number;
  persons: number;
  active: number;
  removed: number;
  removedThisYear: number;
  pendingAdjustments: number;
}

export type AdjustmentKind = 'add' | 'remove' | 'update' | 'split' | 'merge' | 'change_head' | 'move';
export type AdjustmentStatus = 'pending' | 'approved' | 'returned' | 'withdrawn';

export interface AdjustmentFile { id: number; filename: string; mime: string; size: number; sha256: string; uploadedAt: string }

export interface Adjustment {
  id: number;
  kind: AdjustmentKind;
  kindName: string;
  status: AdjustmentStatus;
  statusName: string;
  townshipCode: string;
  townships: string[];
  householdNo: string | null;
  personIds: number[];
  summary: string;
  reason: string;
  effectiveDate: string | null;
  remarks: string;
  payload: Record<string, unknown> & { evidenceNote?: string };
  enteredBy: number;
  enteredByName: string;
  enteredAt: string;
  updatedAt: string;
  decidedBy: number | null;
  decidedByName: string;
  decidedAt: string | null;
  decisionNote: string;
  warnings: string[];
  fileCount: number;
}

export type PlanOp =
  | { op: 'insertHousehold'; householdNo: string; after: Record<string, unknown> }
  | { op: 'updateHousehold'; householdNo: string; before: Record<string, unknown>; after: Record<string, unknown> }
  | { op: 'deleteHousehold'; householdNo: string; before: Record<string, unknown> }
  | { op: 'insertPerson'; after: Record<string, unknown> }
  | { op: 'updatePerson'; personId: number; before: Record<string, unknown>; after: Record<string, unknown> };

export interface Plan { errors: string[]; warnings: string[]; ops: PlanOp[] }

export interface AdjustmentDetail { adjustment: Adjustment; files: AdjustmentFile[]; preview: Plan | null }

export interface ImportProblem { rowNumber: number; column: string; value: string; reason: string; severity: 'rejected' | 'corrected' | 'error' | 'warning' }

export interface ImportPreviewRow {
  rowNumber: number;
  householdNo: string;
  name: string;
  idNumber: string;
  villageCode: string;
  status: string;
  changes: { field: string; label: string; before: unknown; after: unknown }[] | null;
}

export interface ImportCounts { read: number; added: number; changed: number; unchanged: number; rejected: number; corrected: number; warnings: number; notInFile: number }

/** GET /api/registry/imports/:id — one page (offset/limit) of each list */
export interface ImportView {
  id: string;
  filename: string;
  status: string;
  error: string;
  jobId: string | null;
  createdAt: string;
  appliedAt: string | null;
  format: string;
  encoding: string;
  sha256: string;
  counts: ImportCounts | null;
  warnings: string[];
  added: ImportPreviewRow[];
  changed: ImportPreviewRow[];
  problems: ImportProblem[];
  rejected: ImportProblem[];
  totals: { added: number; changed: number; problems: number; rejected: number };
  offset: number;
  limit: number;
}

