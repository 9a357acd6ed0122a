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

async function post(url: string, body: string, key: string | undefined): Promise<{ attempt: Attempt; id?: string; retryAfterMs?: number }> {
  try {
    const response = await fetch(`${url}/ingresar-datos`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(key ? { 'Idempotency-Key': key } : {}) },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    const json = (await response.json()) as { transaction_id?: string; error?: { code: string } };
    const retryAfter = Number(response.headers.get('retry-after'));
    return { attempt: { status: response.status, ...(json.error ? { code: json.error.code } : {}) }, ...(json.transaction_id ? { id: json.transaction_id } : {}), ...(retryAfter ? { retryAfterMs: retryAfter * 1000 } : {}) };
  } catch {
    return { attempt: { status: 'error' } };
  }
}

/**
 * Producers as a careful client writes them: every 503 and every connection failure is retried
 * (after Retry-After, shortened to keep the run brisk), one in three messages carries an
 * Idempotency-Key, and a few keys are then reused for another message, which must be refused.
 */
export async function runLoad(options: LoadOptions): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const started = Date.now();
  let next = 0;
  const intervalMs = (1000 * options.producers) / options.rate;

  const produce = async () => {
    for (;;) {
      const n = next++;
      if (n >= options.messages || Date.now() - started > options.maxSeconds * 1000) return;
      const tickStarted = Date.now();
      const nonce = randomUUID();
      const message = messageFor(n, nonce);
      const idempotencyKey = n % 3 === 0 ? `chaos-${nonce}` : undefined;
      const outcome: Outcome = { n, message, idempotencyKey, attempts: [], acceptedId: undefined, refusedWith: undefined, keyReuse: undefined };
      outcomes.push(outcome);
      const body = bodyOf(options.topic, message);
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const answer = await post(options.url, body, idempotencyKey);
        outcome.attempts.push(answer.attempt);
        if (answer.attempt.status === 202) {
          outcome.acceptedId = answer.id;
          break;
        }
        if (typeof answer.attempt.status === 'number' && answer.attempt.status < 500) {
          outcome.refusedWith = answer.attempt.code;
          break;
        }
        await sleep(Math.min(answer.retryAfterMs ?? 200 * attempt, 1_000));
      }
      if (outcome.acceptedId && idempotencyKey && n % 30 === 0) {
        outcome.keyReuse = (await post(options.url, bodyOf(options.topic, messageFor(n + 1, randomUUID())), idempotencyKey)).attempt;
      }
      options.onProgress?.(outcomes.length);
      await sleep(Math.max(0, intervalMs - (Date.now() - tickStarted)));
    }
  };
  await Promise.all(Array.from({ length: options.producers }, produce));
  return outcomes;
}
