// The auth capability's public face: what other capabilities and their tests import.
export * from './permissions.ts';
export { registerAuth } from './auth.plugin.ts';
export { requireUser, requirePermission, assertInScope, assertVisible, requireCountyLevel, actorOf } from './guards.ts';
export { separationOfDuties, assertSeparateDuties, DUTY_STEPS, type DutyStep, type DutyCheck, type DutyOutcome } from './separation.ts';
export { loadControls, type CountyControls } from './controls.store.ts';
export { ensureRecordOnlyUser } from './users.store.ts';
export { SESSION_COOKIE, CSRF_HEADER } from './cookies.ts';
export { loginAs, type LoginAsOptions, type LoggedIn } from './testkit.ts';
export { hashPassword, verifyPassword, passwordProblem, generatePassword } from './password.ts';
export { unmaskAllowed, auditUnmaskedView, auditIdSearch, type UnmaskedView } from './unmask.ts';
export { maskPhone, maskAccount, maskName } from '../shared/mask.ts';
export { maskId } from '../shared/idnumber.ts';
export type { MeResponse, UserView } from './auth.contract.ts';
