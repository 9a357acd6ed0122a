import fc from 'fast-check';
import { BATCH_MAX_BYTES } from '@pubsub-ingest/common';
import { ERROR_CODES } from '@pubsub-ingest/publisher';
import type { TestDatabase } from './support/database';
import { deepJsonText, hugeJsonText, jsonText, type JsonText } from './support/hostile-json';
import type { TestMessaging } from './support/messaging';
import { startPipeline, waitFor, type RunningPipeline, type RunningPublisher, type RunningSubscriber } from './support/services';
import { stackEnv } from './support/stack-env';

/** Runs of 50 requests each; PROPERTY_RUNS raises it for a longer search. */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);
const CASES_PER_RUN = 50;

/** SNS and SQS carry the XML character range only. */
const carriable = (s: string) => !/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(s);

interface Case {
  message: JsonText;
  attributes: { name: string; value: string }[] | undefined;
  /** Members of the body in the order written; the topic is filled in per run. */
  order: ('topic_arn' | 'message' | 'attributes')[];
  ws: string;
}

const attributeName = fc.oneof(
  { weight: 24, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,12}[A-Za-z0-9_-]$/).filter((n) => !/\.\.|^(aws|amazon|ingest)\./i.test(n)) },
  { weight: 1, arbitrary: fc.constantFrom('constructor', 'toString', 'hasOwnProperty') },
  { weight: 1, arbitrary: fc.constantFrom('bad name', 'ingest.topic', 'aws.x', '.lead', 'trail.', 'a..b', 'é', 'x'.repeat(257), '__proto__') },
);
const attributeValue = fc.oneof(
  { weight: 30, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '\u0001', 'a\u0000b', '\uFFFE', '\uD800') },
);

const messageArb = fc.oneof(
  { weight: 40, arbitrary: jsonText.filter((m) => !m.isNull) },
  { weight: 1, arbitrary: jsonText.filter((m) => m.isNull) },
  { weight: 2, arbitrary: deepJsonText },
  { weight: 1, arbitrary: hugeJsonText },
);

/** A case as a failure report prints it: long texts cut short, so a counterexample stays readable. */
const printable = (c: Case): Case =>
  Object.assign(c, {
    [fc.toStringMethod]: () => {
      const text = c.message.text.length > 300 ? `${c.message.text.slice(0, 300)}… (${c.message.text.length} characters)` : c.message.text;
      return JSON.stringify({ message: text, attributes: c.attributes, order: c.order, ws: c.ws });
    },
  });

const caseArb: fc.Arbitrary<Case> = fc.record({
  message: messageArb,
  attributes: fc.option(fc.oneof({ weight: 8, arbitrary: fc.array(fc.record({ name: attributeName, value: attributeValue }), { maxLength: 4 }) }, { weight: 1, arbitrary: fc.array(fc.record({ name: attributeName, value: attributeValue }), { minLength: 5, maxLength: 5 }) }), { nil: undefined }),
  order: fc.shuffledSubarray(['topic_arn', 'message', 'attributes'] as const, { minLength: 3, maxLength: 3 }),
  ws: fc.constantFrom('', ' ', '\n  '),
}).map(printable);

function bodyOf(c: Case, topic: string): string {
  const member = (name: Case['order'][number]) => {
    if (name === 'topic_arn') return `"topic_arn":${c.ws}${JSON.stringify(topic)}`;
    if (name === 'message') return `"message":${c.ws}${c.message.text}`;
    // Written with the escape text JSON.stringify gives a lone surrogate, so it reaches the server as written.
    return c.attributes === undefined ? undefined : `"attributes": {${c.attributes.map((a) => `${JSON.stringify(a.name)}:${JSON.stringify(a.value)}`).join(`,${c.ws}`)}}`;
  };
  return `{${c.ws}${c.order.map(member).filter((m) => m !== undefined).join(`,${c.ws}`)}${c.ws}}`;
}

const ATTRIBUTE_NAME = /^(?!aws\.|amazon\.|ingest\.)(?!.*\.\.)(?!\.)[A-Za-z0-9_.-]{1,256}(?<!\.)$/i;

/** The codes the contract allows for this case; empty when it must be accepted. */
function refusalsOf(c: Case): Set<string> {
  const codes = new Set<string>();
  const m = c.message;
  if (m.isNull) codes.add('validation_failed');
  if (m.depth > 128) codes.add('too_deep');
  if (m.loneSurrogate) codes.add('invalid_unicode');
  if (m.duplicateKey) codes.add('duplicate_key');
  if (m.stringValue !== undefined && m.stringValue.length > 200_000) codes.add('payload_too_large');
  const attrs = c.attributes ?? [];
  if (new Set(attrs.map((a) => a.name)).size !== attrs.length) codes.add('duplicate_key');
  if (attrs.some((a) => !a.value.isWellFormed())) codes.add('invalid_unicode');
  if (attrs.length > 4 || attrs.some((a) => !ATTRIBUTE_NAME.test(a.name) || a.name === '__proto__' || a.value === '' || !carriable(a.value))) codes.add('validation_failed');
  return codes;
}

/** What the records table must hold for an accepted message. */
function storedTextOf(m: JsonText): string {
  if (m.stringValue !== undefined && m.stringValue.length > 0 && carriable(m.stringValue)) return JSON.stringify(m.stringValue);
  return m.text.replace(/\uFFFE/g, '\\ufffe').replace(/\uFFFF/g, '\\uffff');
}

interface Answer {
  c: Case;
  status: number;
  json: { transaction_id?: string; error?: { code: string } };
}

/**
 * Items of one NDJSON line each: JSON text holds a raw line break only as whitespace between tokens,
 * so it becomes a space there and the message's value and stored text stay what the case says.
 */
const oneLine = (c: Case): Case => printable({ ...c, ws: c.ws.replace(/\n/g, ' '), message: { ...c.message, text: c.message.text.replace(/\n/g, ' ') } });

/** Cases packed into batches that each stay within the batch size limit (with room for separators). */
function packBatches(bodies: string[]): number[][] {
  const batches: number[][] = [];
  let bytes = Infinity;
  bodies.forEach((body, i) => {
    const size = Buffer.byteLength(body) + 1;
    if (bytes + size > BATCH_MAX_BYTES - 2) {
      batches.push([]);
      bytes = 0;
    }
    batches.at(-1)!.push(i);
    bytes += size;
  });
  return batches;
}

describe('round trip of hostile messages through the real stack (property)', () => {
  let pipeline: RunningPipeline;
  let database: TestDatabase;
  let messaging: TestMessaging;
  let publisher: RunningPublisher;
  let subscriber: RunningSubscriber;
  const tallies = new Map<string, { accepted: number; refused: number; codes: Map<string, number> }>();

  beforeAll(async () => {
    pipeline = await startPipeline();
    ({ database, messaging, publisher, subscriber } = pipeline);
  });

  afterAll(async () => {
    await pipeline?.stop();
    for (const [route, tally] of tallies) {
      process.stdout.write(`\nproperty round trip (${route}) on ${stackEnv('emulator')}: ${tally.accepted + tally.refused} cases, ${tally.accepted} accepted and stored unchanged, ${tally.refused} refused with a documented 4xx (${[...tally.codes].map(([code, n]) => `${code} ${n}`).join(', ')})\n`);
    }
  });

  /** Each answer is the contract's: 202 and stored exactly as written, or a documented 4xx the case allows. */
  async function checkAnswers(route: string, answers: Answer[]): Promise<void> {
    for (const { c, status, json } of answers) {
      const refusals = refusalsOf(c);
      if (refusals.size === 0) {
        expect({ status, body: json, message: c.message.text.slice(0, 200) }).toEqual({ status: 202, body: expect.objectContaining({ transaction_id: expect.any(String) }), message: expect.any(String) });
      } else {
        const code = json.error?.code ?? '';
        expect({ status, code, documented: code in ERROR_CODES && ERROR_CODES[code as keyof typeof ERROR_CODES].status === status, allowed: refusals.has(code) }).toEqual({
          status: expect.any(Number),
          code: expect.any(String),
          documented: true,
          allowed: true,
        });
      }
    }

    const accepted = answers.filter((a) => a.status === 202);
    const ids = accepted.map((a) => a.json.transaction_id!);
    await waitFor(`${ids.length} records`, async () => {
      const { rows } = await database.pool.query('select count(*)::int as n from records where transaction_id = any($1::uuid[])', [ids]);
      return rows[0].n === ids.length;
    });
    for (const { c, json } of accepted) {
      const id = json.transaction_id!;
      const text = await (await fetch(`${publisher.url}/data/${id}`)).text();
      const head = `{"transaction_id":${JSON.stringify(id)},"topic":${JSON.stringify(messaging.topicName)},"message":${storedTextOf(c.message)},"attributes":`;
      expect(text.slice(0, head.length)).toBe(head);
      const rest = JSON.parse(`{"attributes":${text.slice(head.length)}`) as { attributes: Record<string, string> };
      expect(Object.entries(rest.attributes).sort()).toEqual((c.attributes ?? []).map((a) => [a.name, a.value]).sort());
    }
    const tally = tallies.get(route) ?? { accepted: 0, refused: 0, codes: new Map<string, number>() };
    tallies.set(route, tally);
    tally.accepted += accepted.length;
    tally.refused += answers.length - accepted.length;
    for (const a of answers) if (a.json.error) tally.codes.set(a.json.error.code, (tally.codes.get(a.json.error.code) ?? 0) + 1);
  }

  it('When any JSON is posted, then the answer is 202 and GET returns it exactly, or a documented 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(caseArb, { minLength: CASES_PER_RUN, maxLength: CASES_PER_RUN }), async (cases) => {
        const answers = await Promise.all(
          cases.map(async (c): Promise<Answer> => {
            const response = await fetch(`${publisher.url}/ingresar-datos`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: bodyOf(c, messaging.topicName) });
            return { c, status: response.status, json: (await response.json()) as Answer['json'] };
          }),
        );
        await checkAnswers('POST /ingresar-datos', answers);
      }),
      { numRuns: RUNS, endOnFailure: false, verbose: 1 },
    );
  }, RUNS * 30_000 + 60_000);

  it('When any JSON is posted in batches (a JSON array or NDJSON), then each item is answered as a single POST would be, and the batch status never hides a refusal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(caseArb, { minLength: CASES_PER_RUN, maxLength: CASES_PER_RUN }), fc.boolean(), async (generated, ndjson) => {
        const cases = ndjson ? generated.map(oneLine) : generated;
        const bodies = cases.map((c) => bodyOf(c, messaging.topicName));
        const answers: Answer[] = [];
        for (const batch of packBatches(bodies)) {
          const text = ndjson ? batch.map((i) => bodies[i]).join('\n') : `[${batch.map((i) => bodies[i]).join(',')}]`;
          const response = await fetch(`${publisher.url}/ingresar-datos/lote`, { method: 'POST', headers: { 'Content-Type': ndjson ? 'application/x-ndjson' : 'application/json' }, body: text });
          const json = (await response.json()) as { accepted: number; items: (Answer['json'] & { index: number; status: number })[]; error?: { code: string } };
          const accepted = json.items.filter((item) => item.status === 202).length;
          expect({ status: response.status, items: json.items.map((item) => item.index) }).toEqual({
            status: accepted === batch.length ? 202 : accepted > 0 ? 207 : 422,
            items: batch.map((_, i) => i),
          });
          if (accepted === 0) expect(json.error?.code).toBe('batch_refused');
          json.items.forEach((item, i) => answers.push({ c: cases[batch[i]!]!, status: item.status, json: item }));
        }
        await checkAnswers('POST /ingresar-datos/lote', answers);
      }),
      { numRuns: Math.ceil(RUNS / 2), endOnFailure: false, verbose: 1 },
    );
  }, RUNS * 30_000 + 60_000);
});
