import { ERROR_CODES, type ErrorCode } from './error-catalogue';

/** An error that reaches the client as `{"error": {"code", "message", "details"?}}` with its code's status. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: { details?: { field: string; message: string }[]; headers?: Record<string, string>; lookup?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_CODES[code].status;
  }
}

export const errors = {
  notFound: (message = 'not found') => new AppError('not_found', message),
  /** Ours or AWS's fault: the client should retry after the given delay. */
  unavailable: (code: 'publish_throttled' | 'publish_unavailable' | 'overloaded' | 'database_unavailable', message: string, retryAfterSeconds: number) =>
    new AppError(code, message, { headers: { 'Retry-After': String(retryAfterSeconds) } }),
  /** The client's fault in one field. */
  field: (code: ErrorCode, field: string, message: string) => new AppError(code, `${field}: ${message}`, { details: [{ field, message }] }),
};
