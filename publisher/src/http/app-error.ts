/** An error that reaches the client as `{"error": {"code", "message", "details"?}}` with its status. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: { details?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const errors = {
  notFound: (message = 'not found') => new AppError(404, 'not_found', message),
  unavailable: (code: string, message: string, retryAfterSeconds: number) =>
    new AppError(503, code, message, { headers: { 'Retry-After': String(retryAfterSeconds) } }),
};
