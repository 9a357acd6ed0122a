// schemathesis against the publisher's served OpenAPI document, on a local stack of its own, then an
// audit: every message answered 202 (a single POST, or an item of a batch) must be stored, with the
// message text exactly as it was sent.
//
//   node scripts/conformance/fuzz-api.mjs [--examples N] [--emulator fauxqs|moto] [--seed N]
//
// SCHEMATHESIS_BIN names the schemathesis program (scripts/conformance/install-tools.sh installs it).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, freePort, spawnService, startLocalStack, waitReady } from '@pubsub-ingest/local-stack';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import pg from 'pg';

const { values } = parseArgs({ options: { examples: { type: 'string' }, emulator: { type: 'string' }, seed: { type: 'string' }, 'report-dir': { type: 'string' } } });
const examples = values.examples ?? '1000';
const emulator = values.emulator ?? 'fauxqs';
const seed = values.seed ?? String(Date.now() % 1_000_000);
const schemathesis = process.env.SCHEMATHESIS_BIN ?? 'schemathesis';
const reportDir = values['report-dir'] ?? mkdtempSync(join(tmpdir(), 'pubsub-ingest-fuzz-report-'));
mkdirSync(reportDir, { recursive: true });
const har = join(reportDir, 'schemathesis.har');

const dataDir = mkdtempSync(join(tmpdir(), 'pubsub-ingest-fuzz-'));
chmodSync(dataDir, 0o755);
const stack = await startLocalStack({ dataDir, emulator, ...(process.env.MOTO_SERVER ? { motoServer: process.env.MOTO_SERVER } : {}) });
const port = await freePort();
// Authentication on, as production runs it: schemathesis sends a token that may publish to and read
// every topic (schemathesis.toml, auth.openapi.bearer), and its auth checks ask without it, expecting 401.
const token = randomBytes(32).toString('base64url');
const tokensFile = join(dataDir, 'tokens.json');
writeFileSync(tokensFile, JSON.stringify({ tokens: [{ id: 'schemathesis', sha256: createHash('sha256').update(token).digest('hex'), scopes: ['publish:*', 'read:*'] }] }));
const services = [
  spawnService('publisher', { ...stack.serviceEnv, PORT: String(port), LOG_LEVEL: 'warn', AUTH_MODE: 'on', AUTH_TOKENS_FILE: tokensFile }),
  spawnService('subscriber', { ...stack.serviceEnv, HEALTH_PORT: '0', LOG_LEVEL: 'warn', RECEIVE_WAIT_SECONDS: '2' }),
];
const base = `http://127.0.0.1:${port}`;
const sqs = new SQSClient(awsClientConfig(stack.emulator.info.endpoint));
const pool = new pg.Pool({ connectionString: stack.postgres.info.url, max: 2 });
let exitCode = 1;
try {
  await waitReady(`${base}/readyz`, { name: 'publisher' });
  const args = [
    '--config-file', join(dirname(fileURLToPath(import.meta.url)), 'schemathesis.toml'),
    'run', `${base}/openapi.json`,
    '--checks', 'all',
    '--phases', 'examples,coverage,fuzzing,stateful',
    '--max-examples', examples,
    '--seed', seed,
    '--workers', '2',
    '--request-timeout', '15',
    '--report', 'har', '--report-har-path', har,
    '--output-sanitize', 'false',
  ];
  console.log(`schemathesis ${args.join(' ')}`);
  const hooks = join(dirname(fileURLToPath(import.meta.url)), 'schemathesis_hooks.py');
  const schemathesisCode = await new Promise((resolve) =>
    spawn(schemathesis, args, { stdio: 'inherit', env: { ...process.env, SCHEMATHESIS_HOOKS: hooks, PUBSUB_INGEST_TOKEN: token } }).on('exit', resolve),
  );

  const entries = JSON.parse(readFileSync(har, 'utf8')).log.entries;
  const accepted = entries.flatMap(acceptedMessages);
  const serverErrors = entries.filter((e) => e.response.status >= 500 && e.response.status !== 503);
  await drain(stack.messaging.queueUrl);

  let stored = 0;
  const problems = [];
  for (const { id, text } of accepted) {
    const node = findNodeAtLocation(parseTree(text), ['message']);
    const { rows } = await pool.query('select message::text as message, attributes::text as attributes from records where transaction_id = $1', [id]);
    const row = rows[0];
    const sent = JSON.parse(text);
    const expectedText = typeof sent.message === 'string' && sent.message.length > 0 && !/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(sent.message)
      ? JSON.stringify(sent.message)
      : text.slice(node.offset, node.offset + node.length).replace(/\uFFFE/g, '\\ufffe').replace(/\uFFFF/g, '\\uffff');
    if (!row) problems.push(`lost ${id}: ${text.slice(0, 200)}`);
    else if (row.message !== expectedText || JSON.stringify(JSON.parse(row.attributes)) !== JSON.stringify(sent.attributes ?? {}) && !sameEntries(JSON.parse(row.attributes), sent.attributes ?? {})) {
      problems.push(`altered ${id}: sent ${expectedText.slice(0, 120)} ${JSON.stringify(sent.attributes ?? {})}, stored ${row.message.slice(0, 120)} ${row.attributes}`);
    } else stored++;
  }
  const perOperation = new Map();
  for (const e of entries) {
    const key = `${e.request.method} ${new URL(e.request.url).pathname.replace(/^\/data\/.*/, '/data/{id}')}`;
    perOperation.set(key, (perOperation.get(key) ?? 0) + 1);
  }
  console.log(`\nschemathesis made ${entries.length} requests (${[...perOperation].map(([k, n]) => `${k} ${n}`).join(', ')}), seed ${seed}`);
  console.log(`audit: ${accepted.length} messages answered 202 (${accepted.filter((a) => a.batch).length} of them batch items), ${stored} stored and equal, ${problems.length} not; ${serverErrors.length} answers 5xx other than 503`);
  for (const p of problems.slice(0, 10)) console.log(`  ${p}`);
  exitCode = schemathesisCode === 0 && problems.length === 0 && serverErrors.length === 0 && accepted.length > 0 ? 0 : 1;
} finally {
  await Promise.all(services.map((s) => s.stop()));
  await pool.end();
  sqs.destroy();
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);

/** The messages of one request that were answered 202, each with the JSON text it was sent as. */
function acceptedMessages(entry) {
  if (entry.request.method !== 'POST') return [];
  const text = entry.request.postData?.text ?? '';
  const path = new URL(entry.request.url).pathname;
  if (path === '/ingresar-datos') {
    return entry.response.status === 202 ? [{ id: JSON.parse(entry.response.content.text).transaction_id, text, batch: false }] : [];
  }
  if (path !== '/ingresar-datos/lote' || ![202, 207].includes(entry.response.status)) return [];
  const contentType = entry.request.headers.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? '';
  const items = contentType.startsWith('application/x-ndjson')
    ? text.split('\n').filter((line) => !/^[ \t\r]*$/.test(line))
    : parseTree(text).children.map((node) => text.slice(node.offset, node.offset + node.length));
  return JSON.parse(entry.response.content.text).items.filter((item) => item.status === 202).map((item) => ({ id: item.transaction_id, text: items[item.index], batch: true }));
}

function sameEntries(a, b) {
  return JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
}

async function drain(queueUrl) {
  for (let i = 0; i < 120; i++) {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    if (Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible) === 0) {
      await sleep(2_000);
      return;
    }
    await sleep(1_000);
  }
}
