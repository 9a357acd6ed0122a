import { arrayElementSpans, BATCH_MAX_ITEMS } from '@pubsub-ingest/common';
import type { Context } from 'koa';
import { AppError, errors } from '../http/app-error';
import { BATCH_BODY_MAX_BYTES } from '../http/body-limits';
import { parseJsonText, readUtf8Body, type AcceptedMedia, type JsonBody } from '../http/json-body';

/** One item of a batch as sent: its JSON, or why it is not JSON (NDJSON keeps a bad line to itself). */
export type BatchEntry = { body: JsonBody } | { error: AppError };

const NDJSON = 'application/x-ndjson';
const BATCH_MEDIA: AcceptedMedia = {
  types: ['application/json', '+json', NDJSON],
  described: `a JSON array (Content-Type: application/json) or NDJSON, one item per line (Content-Type: ${NDJSON})`,
};

function checkCount(count: number): void {
  if (count === 0) throw errors.field('validation_failed', '(body)', 'the batch holds no items');
  if (count > BATCH_MAX_ITEMS) throw new AppError('too_many_items', `the batch holds ${count} items; at most ${BATCH_MAX_ITEMS} are accepted in one request`);
}

function arrayEntries(text: string): BatchEntry[] {
  const { value } = parseJsonText(text);
  if (!Array.isArray(value)) throw errors.field('validation_failed', '(body)', `the body must be a JSON array of items, or NDJSON sent as ${NDJSON}`);
  checkCount(value.length);
  return arrayElementSpans(text).map(({ start, end }, i) => ({ body: { text: text.slice(start, end), value: value[i] } }));
}

const BLANK_LINE = /^[ \t\r]*$/;

function ndjsonEntries(text: string): BatchEntry[] {
  const lines = text.split('\n').filter((line) => !BLANK_LINE.test(line));
  checkCount(lines.length);
  return lines.map((line, i) => {
    try {
      return { body: parseJsonText(line, `item ${i}`) };
    } catch (err) {
      return { error: err as AppError };
    }
  });
}

/**
 * Reads the body of POST /ingresar-datos/lote into its items, each with its exact text. What makes
 * the whole batch unreadable (media type, size, UTF-8, a JSON array that does not parse, no items
 * or too many) is the request's error; everything about one item is that item's.
 */
export async function readBatch(ctx: Context): Promise<BatchEntry[]> {
  const text = await readUtf8Body(ctx, BATCH_BODY_MAX_BYTES, BATCH_MEDIA);
  return ctx.request.is(NDJSON) ? ndjsonEntries(text) : arrayEntries(text);
}
