import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { AppError } from './app-error';

/** A JSON request body: its text exactly as sent, and its parsed value. */
export interface JsonBody {
  text: string;
  value: unknown;
}

/** What a body's reader reports through `ctx.state`: the size of a body sent without Content-Length, once read (a per-client byte limit charges it). */
export interface BodyReadState {
  onBodyRead?: (bytes: number) => void;
}

/** Media types a route accepts, as `ctx.request.is` takes them, and how an error names them. */
export interface AcceptedMedia {
  types: string[];
  described: string;
}

export const JSON_MEDIA: AcceptedMedia = { types: ['application/json', '+json'], described: 'JSON (Content-Type: application/json)' };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a request body as text with clear errors: 415 for another content type or a charset other
 * than UTF-8, 413 above `limitBytes`, 400 for bytes that are not UTF-8 (never silently replaced).
 */
export async function readUtf8Body(ctx: Context, limitBytes: number, media: AcceptedMedia): Promise<string> {
  if (!ctx.request.is(...media.types)) {
    throw new AppError('unsupported_media_type', `the request body must be ${media.described}`);
  }
  const charset = ctx.request.charset;
  if (charset && charset.toLowerCase() !== 'utf-8' && charset.toLowerCase() !== 'utf8') {
    throw new AppError('unsupported_media_type', `the request body must be UTF-8, not ${charset}`);
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
  (ctx.state as BodyReadState).onBodyRead?.(bytes.length);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new AppError('invalid_utf8', 'the request body is not valid UTF-8');
  }
}

/** 400 malformed_json for text that is not JSON; `what` names it in the message. */
export function parseJsonText(text: string, what = 'the request body'): JsonBody {
  try {
    return { text, value: JSON.parse(text) };
  } catch (err) {
    throw new AppError('malformed_json', `${what} is not valid JSON: ${(err as Error).message}`);
  }
}

/** A JSON request body (see readUtf8Body for the errors). */
export async function readJsonBody(ctx: Context, limitBytes: number): Promise<JsonBody> {
  return parseJsonText(await readUtf8Body(ctx, limitBytes, JSON_MEDIA));
}
