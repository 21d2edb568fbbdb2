// The registry capability's public face: what other capabilities import.
export { interpretQuery, type SearchQuery, type SearchResult, type PersonPage } from './person.store.ts';
export { type Viewer, type PersonListItem, type HouseholdPage } from './household.store.ts';
export { searchPersons, getPersonPage, getHousehold } from './registry.service.ts';
export { regionTree, headlineFigures, ensureRegions, regionNames, type RegionNode, type Figures, type RegionName } from './region.store.ts';
export {
  createAdjustment,
  updateAdjustment,
  approveAdjustment,
  returnAdjustment,
  withdrawAdjustment,
  getAdjustment,
  listAdjustments,
  addAdjustmentFile,
  getAdjustmentFile,
  previewAdjustment,
  type AdjustmentView,
  type AdjustmentFilter,
} from './adjustment.service.ts';
export {
  AdjustmentInput,
  planAdjustment,
  describeAdjustment,
  ADJUSTMENT_KINDS,
  KIND_NAMES,
  REMOVAL_REASONS,
  RELATIONS,
  type AdjustmentKind,
  type AdjustmentStatus,
  type Plan,
} from './adjustment.ts';
export { maskAccount, maskPhone, maskId } from './mask.ts';
export { registerRegistryRoutes } from './registry.routes.ts';
// roster import / export and the demo county
export { readRosterFile, previewRoster, applyRoster, startImportPreview, startImportApply, type ImportSummary, type RosterFile } from './roster-import.ts';
export { parseRosterRow, rosterLayout, ROSTER_HEADERS, ROSTER_COLUMNS, type RosterRecord, type RowProblem } from './roster-file.ts';
export { exportRoster, exportRosterRows, rosterCsv, rosterXlsx } from './roster-export.ts';
export { loadDemoCounty, generateDemoRoster, demoRosterCsv } from './demo.ts';
export { fillMissingPinyin } from './pinyin.store.ts';
export { registerRosterRoutes } from './roster.routes.ts';
export { streamRegisterForQuality, registerRowsAroundHouseholds, type RegisterRowForQuality } from './quality-rows.store.ts';
export { payrollRosterSource, streamRosterForCheck, personsByIdNumbers, personIdentity, type RosterPersonForCheck } from './check-rows.store.ts';
export { getImportFile } from './roster-import.ts';
