#!/usr/bin/env node
// Smoke test of a running environment: POST one record, then GET it back once the subscriber has
// stored it. Exits 0 when the record comes back unchanged, 1 otherwise.
//   node scripts/smoke/post-then-get.mjs <base-url> [topic]     (SMOKE_TIMEOUT_SECONDS, default 60)
// SMOKE_TOKEN, when set, is sent as the bearer credential (it needs publish and read on the topic).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';

const [baseUrl, topic = 'data-ingestion-topic'] = process.argv.slice(2);
if (!baseUrl) {
  console.error('usage: post-then-get.mjs <base-url> [topic]');
  process.exit(2);
}
const timeoutMs = Number(process.env.SMOKE_TIMEOUT_SECONDS ?? 60) * 1000;
const message = { smoke: randomUUID(), at: new Date().toISOString() };
const auth = process.env.SMOKE_TOKEN ? { authorization: `Bearer ${process.env.SMOKE_TOKEN}` } : {};

async function main() {
  const started = Date.now();
  const posted = await fetch(new URL('/ingresar-datos', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': message.smoke, ...auth },
    body: JSON.stringify({ topic_arn: topic, message }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await posted.json();
  if (posted.status !== 202 || !body.transaction_id) throw new Error(`POST answered ${posted.status} ${JSON.stringify(body)}`);
  const url = new URL(`/data/${body.transaction_id}`, baseUrl);
  while (Date.now() - started < timeoutMs) {
    const got = await fetch(url, { headers: auth, signal: AbortSignal.timeout(10_000) });
    if (got.status === 200) {
      const record = await got.json();
      // The store keeps JSON as jsonb, which does not keep key order.
      if (!isDeepStrictEqual(record.message, message)) throw new Error(`GET returned another message: ${JSON.stringify(record)}`);
      console.log(JSON.stringify({ ok: true, transaction_id: body.transaction_id, ms: Date.now() - started }));
      return;
    }
    if (got.status !== 404) throw new Error(`GET answered ${got.status}`);
    await sleep(500);
  }
  throw new Error(`record ${body.transaction_id} not readable after ${timeoutMs} ms`);
}

main().catch((err) => {
  console.error(`smoke test failed: ${err.message}`);
  process.exit(1);
});
