import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './support/database';
import { encodeMessage } from './support/messages';

describe('the Lambda bundle (npm run build:lambda)', () => {
  let outDir: string;
  let database: TestDatabase;

  beforeAll(async () => {
    outDir = join(mkdtempSync(join(tmpdir(), 'lambda-')), 'bundle');
    execFileSync(process.execPath, [join(__dirname, '..', 'subscriber', 'scripts', 'build-lambda.mjs'), outDir], { stdio: 'pipe' });
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(join(outDir, '..'), { recursive: true, force: true });
  });

  it('When the zip is built, then it holds the single-file handler', () => {
    const zip = readFileSync(join(outDir, '..', 'lambda.zip'));
    expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    expect(zip.includes(Buffer.from('index.js'))).toBe(true);
  });

  it('When the bundled handler runs alone, with its migrations, then it stores an SQS event and writes its metrics as CloudWatch EMF', async () => {
    const message = encodeMessage({ bundled: true });
    const event = {
      Records: [{
        messageId: 'b-1',
        body: message.body,
        messageAttributes: Object.fromEntries(Object.entries(message.attributes).map(([k, v]) => [k, { stringValue: v, dataType: 'String' }])),
      }],
    };
    // A separate Node process with nothing but the bundle, as the Lambda runtime would load it.
    const script = `
      const { handler, migrate } = require(${JSON.stringify(join(outDir, 'index.js'))});
      (async () => {
        await migrate();
        const result = await handler(${JSON.stringify(event)});
        process.stdout.write(JSON.stringify(result));
        process.exit(0);
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const output = execFileSync(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', DATABASE_URL: database.url, LOG_LEVEL: 'silent' },
      cwd: tmpdir(),
    }).toString();
    // stdout holds the EMF lines (one JSON document each) and, last, the handler's answer.
    const lines = output.trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    expect(lines.at(-1)).toEqual({ batchItemFailures: [] });
    const emf = lines.filter((l) => l._aws);
    const stored = emf.find((l) => l.outcome === 'stored' && 'ingest_messages_total' in l);
    expect(stored).toMatchObject({ ingest_messages_total: 1, service: 'subscriber-lambda' });
    expect(stored!._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'PubsubIngest', Metrics: [{ Name: 'ingest_messages_total', Unit: 'Count' }] });
    expect(emf.some((l) => typeof l.ingest_lag_seconds === 'number' && typeof l.ingest_batch_duration_seconds === 'number')).toBe(true);
    const { rows } = await database.pool.query('select message from records where transaction_id = $1', [message.transactionId]);
    expect(rows).toEqual([{ message: { bundled: true } }]);
  });
});
