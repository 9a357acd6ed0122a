import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { AppError } from './app-error';

/** A JSON request body: its text exactly as sent, and its parsed value. */
export interface JsonBody {
  text: string;
  value: unknown;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a JSON request body with clear errors: 415 for another content type or a charset other
 * than UTF-8, 413 above `limitBytes`, 400 for bytes that are not UTF-8 (never silently replaced)
 * or text that is not JSON.
 */
export async function readJsonBody(ctx: Context, limitBytes: number): Promise<JsonBody> {
  if (!ctx.request.is('application/json', '+json')) {
    throw new AppError('unsupported_media_type', 'the request body must be JSON (Content-Type: application/json)');
  }
  const charset = ctx.request.charset;
  if (charset && charset.toLowerCase() !== 'utf-8' && charset.toLowerCase() !== 'utf8') {
    throw new AppError('unsupported_media_type', `the request body must be UTF-8 JSON, not ${charset}`);
  }
  let bytes: Buffer;
  try {
    bytes = await getRawBody(ctx.req, { limit: limitBytes, length: ctx.get('Content-Length') || undefined });
  } catch (err) {
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') {
      throw new AppError('payload_too_large', `the request body exceeds ${limitBytes} bytes`);
    }
    if (type === 'request.aborted') throw new AppError('request_aborted', 'the client closed the request');
    throw new AppError('malformed_body', 'the request body could not be read');
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new AppError('invalid_utf8', 'the request body is not valid UTF-8');
  }
  try {
    return { text, value: JSON.parse(text) };
  } catch (err) {
    throw new AppError('malformed_json', `the request body is not valid JSON: ${(err as Error).message}`);
  }
}
