import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { AppError } from './app-error';

/**
 * Reads a JSON request body with clear errors: 415 for another content type, 413 above `limitBytes`,
 * 400 for malformed JSON.
 */
export async function readJsonBody(ctx: Context, limitBytes: number): Promise<unknown> {
  if (!ctx.request.is('application/json', '+json')) {
    throw new AppError(415, 'unsupported_media_type', 'the request body must be JSON (Content-Type: application/json)');
  }
  let text: string;
  try {
    text = await getRawBody(ctx.req, { limit: limitBytes, length: ctx.get('Content-Length') || undefined, encoding: 'utf8' });
  } catch (err) {
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') {
      throw new AppError(413, 'payload_too_large', `the request body exceeds ${limitBytes} bytes`);
    }
    if (type === 'request.aborted') throw new AppError(400, 'request_aborted', 'the client closed the request');
    throw new AppError(400, 'malformed_body', 'the request body could not be read');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AppError(400, 'malformed_json', `the request body is not valid JSON: ${(err as Error).message}`);
  }
}
