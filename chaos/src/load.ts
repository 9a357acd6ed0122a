import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { bodyOf, messageFor, type ChaosMessage } from './messages';

/** One POST's answer: a status, or `error` when the connection failed (the publisher was killed). */
export interface Attempt {
  status: number | 'error';
  code?: string;
}

/** Everything that happened to one logical message, across its retries. */
export interface Outcome {
  n: number;
  message: ChaosMessage;
  idempotencyKey: string | undefined;
  attempts: Attempt[];
  /** The id of the 202, when one came. */
  acceptedId: string | undefined;
  /** The 4xx it was refused with, when refused. */
  refusedWith: string | undefined;
  /** A second request with the same key but another message: its answer. */
  keyReuse: Attempt | undefined;
  /** Sent as an item of POST /ingresar-datos/lote rather than on its own. */
  batched: boolean;
}

export interface LoadOptions {
  url: string;
  topic: string;
  messages: number;
  /** Messages per second, all producers together. */
  rate: number;
  producers: number;
  /** Stop starting new messages after this long, even if fewer were sent. */
  maxSeconds: number;
  onProgress?: (sent: number) => void;
}

const MAX_ATTEMPTS = 30;
/** One producer in this many sends batches of up to BATCH_SIZE messages to POST /ingresar-datos/lote. */
const BATCH_PRODUCER_EVERY = 4;
const BATCH_SIZE = 10;

interface Answer {
  attempt: Attempt;
  id?: string;
  retryAfterMs?: number;
}

async function request(url: string, init: RequestInit): Promise<{ response: Response; json: any } | undefined> {
  try {
    const response = await fetch(url, { method: 'POST', ...init, signal: AbortSignal.timeout(15_000) });
    return { response, json: await response.json() };
  } catch {
    return undefined;
  }
}

function answerOf(status: number, json: { transaction_id?: string; error?: { code: string } }, retryAfterSeconds: number): Answer {
  return {
    attempt: { status, ...(json.error ? { code: json.error.code } : {}) },
    ...(json.transaction_id ? { id: json.transaction_id } : {}),
    ...(retryAfterSeconds ? { retryAfterMs: retryAfterSeconds * 1000 } : {}),
  };
}

async function post(url: string, body: string, key: string | undefined): Promise<Answer> {
  const answer = await request(`${url}/ingresar-datos`, { headers: { 'Content-Type': 'application/json', ...(key ? { 'Idempotency-Key': key } : {}) }, body });
  if (!answer) return { attempt: { status: 'error' } };
  return answerOf(answer.response.status, answer.json, Number(answer.response.headers.get('retry-after')));
}

/** A batch of items, as NDJSON when every item fits on one line (else a JSON array): one answer per item, in order. */
async function postBatch(url: string, items: { body: string; key: string | undefined }[], ndjson: boolean): Promise<Answer[]> {
  const texts = items.map(({ body, key }) => (key ? `{"idempotency_key":${JSON.stringify(key)},${body.slice(1)}` : body));
  const asNdjson = ndjson && texts.every((t) => !t.includes('\n'));
  const answer = await request(`${url}/ingresar-datos/lote`, {
    headers: { 'Content-Type': asNdjson ? 'application/x-ndjson' : 'application/json' },
    body: asNdjson ? texts.join('\n') : `[${texts.join(',')}]`,
  });
  if (!answer) return items.map(() => ({ attempt: { status: 'error' } }));
  const results = (answer.json as { items?: { status: number; transaction_id?: string; error?: { code: string }; retry_after_seconds?: number }[] }).items;
  // Without items the batch itself was refused (or failed): every item shares that answer.
  if (!results) return items.map(() => answerOf(answer.response.status, answer.json, Number(answer.response.headers.get('retry-after'))));
  return results.map((r) => answerOf(r.status, r, r.retry_after_seconds ?? 0));
}

/**
 * Producers as a careful client writes them: every 503 and every connection failure is retried
 * (after Retry-After, shortened to keep the run brisk), one in three messages carries an
 * Idempotency-Key, and a few keys are then reused for another message, which must be refused.
 * One producer in four sends batches, retrying only the items not yet answered 202 or 4xx.
 */
export async function runLoad(options: LoadOptions): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const started = Date.now();
  let next = 0;
  const intervalMs = (1000 * options.producers) / options.rate;

  const newOutcome = (n: number): Outcome => {
    const nonce = randomUUID();
    const outcome: Outcome = { n, message: messageFor(n, nonce), idempotencyKey: n % 3 === 0 ? `chaos-${nonce}` : undefined, attempts: [], acceptedId: undefined, refusedWith: undefined, keyReuse: undefined, batched: false };
    outcomes.push(outcome);
    return outcome;
  };

  /** Sends the messages until each is accepted, refused, or out of attempts. */
  const settle = async (batch: Outcome[], asBatch: boolean) => {
    let pending = batch;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && pending.length > 0; attempt++) {
      const items = pending.map((o) => ({ body: bodyOf(options.topic, o.message), key: o.idempotencyKey }));
      const answers = asBatch ? await postBatch(options.url, items, attempt % 2 === 1) : [await post(options.url, items[0]!.body, items[0]!.key)];
      const retry: Outcome[] = [];
      let waitMs = 0;
      pending.forEach((outcome, i) => {
        const answer = answers[i]!;
        outcome.attempts.push(answer.attempt);
        if (answer.attempt.status === 202) outcome.acceptedId = answer.id;
        else if (typeof answer.attempt.status === 'number' && answer.attempt.status < 500) outcome.refusedWith = answer.attempt.code;
        else {
          retry.push(outcome);
          waitMs = Math.max(waitMs, answer.retryAfterMs ?? 200 * attempt);
        }
      });
      pending = retry;
      if (pending.length > 0) await sleep(Math.min(waitMs, 1_000));
    }
  };

  const produce = async (producer: number) => {
    const asBatch = producer % BATCH_PRODUCER_EVERY === BATCH_PRODUCER_EVERY - 1;
    for (;;) {
      if (next >= options.messages || Date.now() - started > options.maxSeconds * 1000) return;
      const tickStarted = Date.now();
      const batch: Outcome[] = [];
      while (batch.length < (asBatch ? BATCH_SIZE : 1) && next < options.messages) batch.push(newOutcome(next++));
      for (const outcome of batch) outcome.batched = asBatch;
      await settle(batch, asBatch);
      for (const outcome of batch) {
        if (outcome.acceptedId && outcome.idempotencyKey && outcome.n % 30 === 0) {
          outcome.keyReuse = (await post(options.url, bodyOf(options.topic, messageFor(outcome.n + 1, randomUUID())), outcome.idempotencyKey)).attempt;
        }
      }
      options.onProgress?.(outcomes.length);
      await sleep(Math.max(0, batch.length * intervalMs - (Date.now() - tickStarted)));
    }
  };
  await Promise.all(Array.from({ length: options.producers }, (_, p) => produce(p)));
  return outcomes;
}
