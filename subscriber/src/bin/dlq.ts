import { parseArgs } from 'node:util';
import { ConfigError, createDatabase, createLogger, databasePasswordProvider } from '@pubsub-ingest/common';
import { loadDlqConfig } from '../config';
import { locateDeadLetterQueue, moveBack, receiveAll, release, startMoveTask, type DeadLetter } from '../dlq/dead-letter-queue';
import { diagnose, type Diagnosis } from '../dlq/diagnose';
import { createSqsClient } from '../sqs/sqs-client';

const USAGE = `usage: npm run dlq -- <command> [options]

  list                 every dead letter with the reason it cannot be stored now
  show <message-id>    one dead letter: its attributes, body and reason
  redrive              move the dead letters that can be stored now back to the queue
    --all              move every dead letter back, whatever its reason
    --dry-run          say what would move, move nothing

  --limit <n>          look at no more than n dead letters (default 1000)
  --json               print JSON lines instead of text

Reads QUEUE_URL (the queue, whose redrive policy names the dead-letter queue), AWS_REGION,
AWS_ENDPOINT_URL and the database settings, like the subscriber.`;

/** Long enough to look at every message once and move it; then the rest return to the queue. */
const HOLD_SECONDS = 120;

function describe(d: Diagnosis): string {
  if (d.verdict === 'storable') return d.alreadyStored ? 'already stored: a copy; redrive acknowledges it' : 'storable now: its cause is gone; redrive it';
  return `${d.verdict}: ${d.reason}`;
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { all: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, limit: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, messageId] = positionals;
  if (values.help || !command || !['list', 'show', 'redrive'].includes(command) || (command === 'show' && !messageId)) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const limit = Number(values.limit ?? 1000);
  if (!Number.isInteger(limit) || limit < 1) {
    console.error('--limit must be a positive whole number');
    return 2;
  }

  const config = loadDlqConfig();
  const logger = createLogger('dlq', 'warn');
  const sqs = createSqsClient(config);
  const password = databasePasswordProvider(config);
  const database = createDatabase(config, { logger, applicationName: 'pubsub-ingest-dlq', ...(password ? { password } : {}) });
  const print = (text: string, json: Record<string, unknown>) => console.log(values.json ? JSON.stringify(json) : text);
  try {
    const pair = await locateDeadLetterQueue(sqs, config.QUEUE_URL);
    if (!values.json) console.error(`dead-letter queue ${pair.deadLetterQueueUrl}`);

    if (command === 'redrive' && values.all && !values['dry-run']) {
      const task = await startMoveTask(sqs, pair);
      if (task) {
        print(`SQS is moving every dead letter back (task ${task})`, { moveTask: task });
        return 0;
      }
    }

    const letters = await receiveAll(sqs, pair.deadLetterQueueUrl, { limit, holdSeconds: HOLD_SECONDS });
    const found = command === 'show' ? letters.filter((m) => m.MessageId === messageId) : letters;
    if (command === 'show' && found.length === 0) {
      console.error(`no dead letter with message id ${messageId} among ${letters.length} looked at`);
      return 1;
    }

    const diagnosed = [];
    for (const letter of found) diagnosed.push({ letter, diagnosis: await diagnose(database.db, letter) });
    const moving = command === 'redrive' ? diagnosed.filter((d) => values.all || d.diagnosis.verdict === 'storable') : [];
    try {
      for (const { letter, diagnosis } of diagnosed) {
        const summary = summarise(letter, diagnosis);
        if (command === 'show') print(`${summary.text}\nattributes: ${JSON.stringify(summary.json.attributes)}\nbody: ${letter.Body ?? ''}`, { ...summary.json, body: letter.Body ?? '' });
        if (command === 'list') print(summary.text, summary.json);
      }
      for (const { letter, diagnosis } of moving) {
        if (!values['dry-run']) await moveBack(sqs, pair, letter);
        const summary = summarise(letter, diagnosis);
        print(`${values['dry-run'] ? 'would move' : 'moved'} ${summary.text}`, { ...summary.json, moved: !values['dry-run'] });
      }
    } finally {
      // Whatever was looked at and stays becomes visible again at once, for the next command.
      const moved = new Set(values['dry-run'] ? [] : moving.map((m) => m.letter));
      await release(sqs, pair.deadLetterQueueUrl, letters.filter((m) => !moved.has(m)));
    }
    if (!values.json) {
      const tally = new Map<string, number>();
      for (const { diagnosis } of diagnosed) tally.set(diagnosis.verdict, (tally.get(diagnosis.verdict) ?? 0) + 1);
      const counts = [...tally].map(([verdict, n]) => `${verdict} ${n}`).join(', ') || 'none';
      console.error(command === 'redrive' ? `${values['dry-run'] ? 'would move' : 'moved'} ${moving.length} of ${found.length} dead letters (${counts})` : `${found.length} dead letters (${counts})`);
    }
    return 0;
  } finally {
    sqs.destroy();
    await database.destroy();
  }
}

function summarise(letter: DeadLetter, diagnosis: Diagnosis) {
  const sent = letter.Attributes?.SentTimestamp ? new Date(Number(letter.Attributes.SentTimestamp)).toISOString() : 'unknown';
  const attributes = Object.fromEntries(Object.entries(letter.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? '(binary)']));
  const transactionId = 'transactionId' in diagnosis ? diagnosis.transactionId : undefined;
  return {
    text: `${letter.MessageId}  sent ${sent}  ${transactionId ? `transaction ${transactionId}  ` : ''}${describe(diagnosis)}`,
    json: { messageId: letter.MessageId, sentAt: sent, receiveCount: Number(letter.Attributes?.ApproximateReceiveCount ?? 0), transactionId, ...diagnosis, attributes },
  };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? `dlq: ${err.message}` : `dlq failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
