// One error type for the whole program: a code and a Chinese message a township officer
// understands. Internal details stay in `cause` and the server log, never on the page.

export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  VALIDATION: 400,
  FILE_EMPTY: 400,
  FILE_FORMAT: 400,
  FILE_MALFORMED: 400,
  FILE_UNREADABLE: 400,
  FILE_COLUMNS: 400,
  UNAUTHENTICATED: 401,
  PASSWORD_CHANGE_REQUIRED: 403,
  FORBIDDEN: 403,
  CSRF: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  LOCKED: 423,
  TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
    this.name = 'AppError';
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
