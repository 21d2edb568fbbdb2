import type { Rule } from './types.ts';
export const EXTRA_RULES: Rule[] = [];
