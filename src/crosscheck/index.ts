// The cross-check capability: the pure engine, its file mode and the findings file format.
export { runCrosscheck, CrosscheckEngine, fastNormalizeId, type CrosscheckOptions, type RunCrosscheckInput } from './engine.ts';
export { runCrosscheckFiles, readRosterFile, type FileInputs, type FileRunOptions, type RowProblem } from './files.ts';
export { findingsCsv, findingRow, FINDINGS_HEADER } from './findings-csv.ts';
export { compareNames, describeNameDifference, cleanName, type NameDifference } from './names.ts';
export * from './types.ts';
