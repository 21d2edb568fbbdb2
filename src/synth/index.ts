// Synthetic county data (FORMATS §1–§4) with planted problems and their ground truth.
export { generateRoster, rosterRow, ROSTER_HEADERS, type RosterRow, type RosterHeader, type GenerateRosterOptions } from './roster.ts';
export { generateCountyFiles, type CountyOptions, type CountyFiles, type CountySummary, type TruthRow } from './county.ts';
export { households, PLANTS, type Plant, type SynthPerson } from './households.ts';
export { Rng } from './prng.ts';
