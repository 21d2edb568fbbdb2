// Masking of personal data in lists and pages: the shared helpers, re-exported for the registry.
export { maskAccount, maskPhone } from '../shared/mask.ts';
export { maskId } from '../shared/idnumber.ts';
