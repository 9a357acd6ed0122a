/**
 * Whether a failed write can succeed later as it is. Data errors (SQLSTATE classes 22 and 23) come
 * from a row itself and will fail again; everything else (connection loss, shutdown, missing table
 * before migrations ran, timeouts) is the database's state and is retried.
 */
export function isRowError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23)[0-9A-Z]{3}$/.test(code);
}
