// The quality capability's public face: what other capabilities (import preview, registry
// changes, the nightly job) import.
export type { RosterPerson, Problem, Rule, Severity, RuleScope } from './types.ts';
export { BUILT_IN_RULES, selectRules, findRule, ruleInfo, type RuleInfo } from './catalogue.ts';
export { runQuality, defaultCounties, render, type RunOptions, type RunResult } from './engine.ts';
export { RosterIndex } from './incremental.ts';
export { readRosterFile, emptyPerson, ROSTER_FIELDS } from './roster-file.ts';
export { problemsCsv, PROBLEM_HEADERS } from './problems-file.ts';
export { runFileMode, type FileModeOptions, type FileModeResult } from './file-mode.ts';
export { checkExpression, customRuleSchema, customRuleToRule, previewCustomRule, type CustomRuleDef } from './custom-rule.ts';
export { runOnRegister, listProblems, qualityTrend, type RunSummary } from './quality.store.ts';
export { loadRules, listCatalogue } from './rules.store.ts';
export { updateProblem, saveCustomRule, setRuleEnabled } from './quality.service.ts';
export { registerQualityRoutes } from './quality.routes.ts';
export { registerQualityCommands } from './quality.cli.ts';
export { scheduleNightlyQuality, runAllCounties } from './nightly.ts';
