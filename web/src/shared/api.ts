// The one way the web app talks to the server: JSON in and out, the CSRF header on every
// change, and errors turned into ApiError carrying the server's Chinese message.
// Every call names the response schema from the capability's contract (src/<capability>/
// <capability>.contract.ts): the answer's type is that schema's type, and outside a
// production build the answer is checked against it, so a page and its route cannot drift.
import type { z } from 'zod';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details ?? null;
  }
}

let csrfToken = '';
/** Set from GET /api/auth/me and the login answer; sent as `x-csrf-token` on every non-GET request. */
export function setCsrfToken(token: string | null | undefined) {
  csrfToken = token ?? '';
}
export function getCsrfToken() {
  return csrfToken;
}

/** Called when the server answers 401 / PASSWORD_CHANGE_REQUIRED (the auth provider hooks in here). */
type AuthListener = (code: 'UNAUTHENTICATED' | 'PASSWORD_CHANGE_REQUIRED') => void;
let authListener: AuthListener | null = null;
export function onAuthProblem(fn: AuthListener | null) {
  authListener = fn;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

async function toError(res: Response): Promise<ApiError> {
  let body: { error?: { code?: unknown; message?: unknown; details?: unknown } } | null = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  const e = body?.error;
  if (e && typeof e.message === 'string') return new ApiError(res.status, String(e.code ?? 'ERROR'), e.message, e.details);
  const fallback: Record<number, string> = {
    401: '请先登录',
    403: '没有权限执行此操作',
    404: '要找的内容不存在',
    413: '上传的文件过大',
    502: '服务器暂时无法访问，请稍后重试',
    503: '服务器暂时无法访问，请稍后重试',
    504: '服务器响应超时，请稍后重试',
  };
  return new ApiError(res.status, res.status === 401 ? 'UNAUTHENTICATED' : 'HTTP_' + res.status, fallback[res.status] ?? `请求失败（${res.status}）`);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** do not call the auth listener on 401 (the login page and the first /me call) */
  quietAuth?: boolean;
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? (opts.body === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(withQuery('/api' + path, opts.query), { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', '无法连接服务器，请检查网络后重试');
  }
  if (!res.ok) {
    const err = await toError(res);
    if (!opts.quietAuth && (err.code === 'UNAUTHENTICATED' || err.code === 'PASSWORD_CHANGE_REQUIRED')) authListener?.(err.code);
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('application/json')) return (await res.json()) as T;
  return (await res.text()) as unknown as T;
}

type Schema = z.ZodType;

// Checked in development and in tests; a production build trusts the server it ships with.
// Vite replaces import.meta.env.PROD with a constant (true in `vite build`), so the check drops
// out of the bundle; under Node (the tests) import.meta.env does not exist and the check runs.
const CHECK = import.meta.env?.PROD !== true;

function checked<S extends Schema>(schema: S, method: string, path: string, data: unknown): z.infer<S> {
  if (CHECK) {
    const r = schema.safeParse(data);
    if (!r.success) {
      // the fields only: zod's own wording is English in the browser; the console has the details
      const fields = [...new Set(r.error.issues.map((i) => i.path.join('.') || '（整体）'))];
      const where = fields.slice(0, 5).join('、') + (fields.length > 5 ? ` 等${fields.length}处` : '');
      console.error(`contract mismatch: ${method} ${path}`, r.error.issues, data);
      throw new ApiError(0, 'CONTRACT', `服务器的回答与约定不符（${method} ${path}）：字段 ${where} 不符`);
    }
  }
  return data as z.infer<S>;
}

async function call<S extends Schema>(schema: S, path: string, opts: RequestOptions): Promise<z.infer<S>> {
  return checked(schema, opts.method ?? 'GET', path, await request<unknown>(path, opts));
}

export const api = {
  /** any method, with every option (the login page and the first /me call go without the auth listener) */
  request: <S extends Schema>(schema: S, path: string, opts: RequestOptions = {}) => call(schema, path, opts),
  get: <S extends Schema>(schema: S, path: string, query?: Query, signal?: AbortSignal) => call(schema, path, { query, signal }),
  post: <S extends Schema>(schema: S, path: string, body?: unknown) => call(schema, path, { method: 'POST', body: body ?? {} }),
  put: <S extends Schema>(schema: S, path: string, body?: unknown) => call(schema, path, { method: 'PUT', body: body ?? {} }),
  patch: <S extends Schema>(schema: S, path: string, body?: unknown) => call(schema, path, { method: 'PATCH', body: body ?? {} }),
  del: <S extends Schema>(schema: S, path: string) => call(schema, path, { method: 'DELETE' }),
  upload: <S extends Schema>(schema: S, path: string, files: Record<string, Blob | File>, fields: Record<string, string> = {}) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    for (const [k, f] of Object.entries(files)) fd.append(k, f, (f as File).name ?? k);
    return call(schema, path, { method: 'POST', body: fd });
  },
};

/**
 * Download a file the server makes (xlsx / csv exports, problem lists, the bank file — a POST):
 * fetched so that errors show as messages instead of a JSON page, then saved under the
 * server's file name. Answers the row count the server sends along, if any.
 */
export async function download(path: string, query?: Query, fallbackName = '下载文件', method: 'GET' | 'POST' = 'GET'): Promise<{ rows: string | null }> {
  const headers: Record<string, string> = method === 'POST' && csrfToken ? { 'x-csrf-token': csrfToken } : {};
  const res = await fetch(withQuery('/api' + path, query), { method, headers, credentials: 'same-origin' });
  if (!res.ok) throw await toError(res);
  const blob = await res.blob();
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  const plain = /filename="?([^";]+)"?/i.exec(cd);
  const name = star ? decodeURIComponent(star[1]) : plain ? plain[1] : fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { rows: res.headers.get('x-anju-rows') };
}

/** The server's Chinese message for any thrown value. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error && e.message) return e.message;
  return '操作失败，请重试';
}
