// The project pages' calls, types and labels: all from the server's contract
// (src/funds/projects.contract.ts); every answer is checked against its schema.
import type { z } from 'zod';
import { api } from '../../shared/api.ts';
import * as C from '../../../../src/funds/projects.contract.ts';
import type { ProjectDetail, ProjectListItem, ProjectListQuery, DocumentView, StageView, Stage, StageData } from '../../../../src/funds/projects.contract.ts';

export type Project = ProjectDetail;
export type ProjectItem = ProjectListItem;
export type Doc = DocumentView;
export type StageEntry = StageView;
export type StageCode = Stage;
export type { StageData };
export type NewProjectInput = z.input<typeof C.NewProjectBody>;
export type ProgressInput = z.input<typeof C.ProgressBody>;
export type CloseRectificationInput = z.input<typeof C.CloseRectificationBody>;
export type TaskInput = z.input<typeof C.TaskBody>;
export type StageDataInput = z.input<typeof C.StageDataSchema>;
export type ProjectCategory = (typeof C.PROJECT_CATEGORIES)[number];
export const STAGE_CODES: readonly StageCode[] = C.STAGES;
export const {
  STAGE_NAMES,
  STAGE_DATE_NAMES,
  PROCUREMENT_MODE_NAMES,
  DOC_KINDS,
  STAGE_STATUS_NAMES,
  MAX_DOCUMENT_BYTES,
  PROJECT_CATEGORIES,
  PROJECT_FLAG_NAMES,
  ACCEPTANCE_CONCLUSIONS,
  EVALUATION_GRADES,
} = C;

/** Badge colour of a stage: grey before the work, blue while building, green once accepted. */
export function stageColor(s: StageCode | null): string {
  if (s === null) return 'default';
  const i = STAGE_CODES.indexOf(s);
  return i < 4 ? 'cyan' : i < 5 ? 'blue' : i < 6 ? 'geekblue' : 'green';
}

export const projectPath = (no: string) => `/funds/projects/${encodeURIComponent(no)}`;
export const apiPath = (no: string) => `/funds/projects/${encodeURIComponent(no)}`;
/** where the browser shows or downloads a document (images and PDFs inline) */
export const documentUrl = (no: string, id: number) => `/api${apiPath(no)}/documents/${id}`;

type ListFilter = Partial<Record<keyof ProjectListQuery, string | number>>;

export const projectsApi = {
  list: (query: ListFilter, signal?: AbortSignal) => api.get(C.ProjectList, '/funds/projects', query, signal),
  get: (projectNo: string, signal?: AbortSignal) => api.get(C.ProjectDetail, apiPath(projectNo), undefined, signal),
  create: (body: NewProjectInput) => api.post(C.ProjectDetail, '/funds/projects', body),
  uploadDocument: (projectNo: string, kind: string, file: File) =>
    api.upload(C.DocumentView, `${apiPath(projectNo)}/documents?kind=${encodeURIComponent(kind)}`, { file }),
  submitStage: (projectNo: string, body: z.input<typeof C.SubmitStageBody>) => api.post(C.ProjectDetail, `${apiPath(projectNo)}/stages`, body),
  decide: (projectNo: string, stageId: number, action: 'approve' | 'return', body: z.input<typeof C.DecisionBody>) =>
    api.post(C.ProjectDetail, `${apiPath(projectNo)}/stages/${stageId}/${action}`, body),
  reportProgress: (projectNo: string, body: ProgressInput) => api.post(C.ProjectDetail, `${apiPath(projectNo)}/progress`, body),
  closeRectification: (projectNo: string, id: number, body: CloseRectificationInput) =>
    api.post(C.ProjectDetail, `${apiPath(projectNo)}/rectifications/${id}/close`, body),
  setPlans: (projectNo: string, body: z.input<typeof C.PlansBody>) => api.put(C.ProjectDetail, `${apiPath(projectNo)}/plans`, body),
  setTask: (projectNo: string, body: TaskInput) => api.put(C.ProjectDetail, `${apiPath(projectNo)}/task`, body),
};
