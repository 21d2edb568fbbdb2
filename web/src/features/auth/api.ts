// The auth feature's calls: accounts (/api/users) and the audit log (/api/audit), typed by the
// auth contract.
import { api } from '../../shared/api.ts';
import {
  AuditPage,
  AuditVerifyResponse,
  UserList,
  UserView,
  UserWithPassword,
  type CreateUserInput,
  type UpdateUserInput,
} from '../../../../src/auth/auth.contract.ts';

export type { UserView, AuditEntryView, Role } from '../../../../src/auth/auth.contract.ts';

export const listUsers = (query: { q?: string; page: number; pageSize: number }, signal?: AbortSignal) => api.get(UserList, '/users', query, signal);
/** The new account and its one-time password. */
export const createUser = (body: Partial<CreateUserInput> & Pick<CreateUserInput, 'username' | 'role' | 'regionCode'>) =>
  api.post(UserWithPassword, '/users', body);
export const updateUser = (id: number, body: UpdateUserInput) => api.patch(UserView, `/users/${id}`, body);
export const resetPassword = (id: number) => api.post(UserWithPassword, `/users/${id}/reset-password`);
export const unlockUser = (id: number) => api.post(UserView, `/users/${id}/unlock`);

export interface AuditFilters {
  username?: string;
  action?: string;
  entityId?: string;
  from?: string;
  to?: string;
}
export const listAudit = (filters: AuditFilters, page: number, pageSize: number, signal?: AbortSignal) =>
  api.get(AuditPage, '/audit', { ...filters, page, pageSize }, signal);
export const verifyAudit = () => api.get(AuditVerifyResponse, '/audit/verify');
