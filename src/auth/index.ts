// The auth capability's public face: what other capabilities and their tests import.
export * from './permissions.ts';
export { registerAuth } from './auth.plugin.ts';
export { requireUser, requirePermission, assertInScope, actorOf } from './guards.ts';
export { SESSION_COOKIE, CSRF_HEADER } from './cookies.ts';
export { loginAs, type LoginAsOptions, type LoggedIn } from './testkit.ts';
export { hashPassword, verifyPassword, passwordProblem, generatePassword } from './password.ts';
export { unmaskAllowed, auditUnmaskedView, type UnmaskedView } from './unmask.ts';
export { maskPhone, maskAccount, maskName } from '../shared/mask.ts';
export { maskId } from '../shared/idnumber.ts';
export type { MeResponse, UserView } from './auth.schema.ts';
