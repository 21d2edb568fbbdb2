// Types and labels of the project pages: the server's contract (src/funds/projects.contract.ts),
// read as types, plus the few labels shown on every project page.
import type { z } from 'zod';
import type { ProjectDetail, ProjectListItem, DocumentView, StageView } from '../../../../src/funds/projects.contract.ts';
import { STAGE_NAMES, STAGE_DATE_NAMES, PROCUREMENT_MODE_NAMES, DOC_KINDS, STAGE_STATUS_NAMES, MAX_DOCUMENT_BYTES } from '../../../../src/funds/projects.contract.ts';

export type Project = ProjectDetail;
export type ProjectItem = ProjectListItem;
export type Doc = z.infer<typeof DocumentView>;
export type StageEntry = StageView;
export type StageCode = keyof typeof STAGE_NAMES;
export const STAGE_CODES = Object.keys(STAGE_NAMES) as StageCode[];
export { STAGE_NAMES, STAGE_DATE_NAMES, PROCUREMENT_MODE_NAMES, DOC_KINDS, STAGE_STATUS_NAMES, MAX_DOCUMENT_BYTES };
export const CATEGORIES = ['基础设施', '产业发展', '美丽家园', '能力提升', '其他'] as const;

/** Badge colour of a stage: grey before the work, blue while building, green once accepted. */
export function stageColor(s: StageCode | null): string {
  if (s === null) return 'default';
  const i = STAGE_CODES.indexOf(s);
  return i < 4 ? 'cyan' : i < 5 ? 'blue' : i < 6 ? 'geekblue' : 'green';
}

export const projectPath = (no: string) => `/funds/projects/${encodeURIComponent(no)}`;
export const apiPath = (no: string) => `/funds/projects/${encodeURIComponent(no)}`;
