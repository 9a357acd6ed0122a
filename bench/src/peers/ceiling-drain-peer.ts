import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { intEnv, report, requiredEnv } from './peer-env';

/**
 * The `ceiling` drain peer: what the queue alone allows. The same number of long polls as the
 * subscriber, each receiving 10 and deleting them with one DeleteMessageBatch, with no decoding and
 * no database. Reports `done` with the time from its first received message to its last delete.
 */
async function main(): Promise<void> {
  const queueUrl = requiredEnv('QUEUE_URL');
  const expected = intEnv('EXPECTED_MESSAGES', 1);
  const sqs = new SQSClient({
    region: requiredEnv('AWS_REGION'),
    ...(process.env.AWS_ENDPOINT_URL ? { endpoint: process.env.AWS_ENDPOINT_URL } : {}),
    requestHandler: { requestTimeout: 30_000 },
  });
  let deleted = 0;
  let firstAt: number | undefined;
  let firstCpu: NodeJS.CpuUsage | undefined;
  let finished = false;
  const poller = async () => {
    while (!finished) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20, MessageAttributeNames: ['All'] }),
      );
      if (Messages.length === 0) continue;
      if (firstAt === undefined) {
        firstAt = performance.now();
        firstCpu = process.cpuUsage();
      }
      const { Failed = [] } = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
      deleted += Messages.length - Failed.length;
      if (deleted >= expected && !finished) {
        finished = true;
        const cpu = process.cpuUsage(firstCpu);
        report({ done: deleted, elapsed_ms: performance.now() - firstAt!, cpu_s: (cpu.user + cpu.system) / 1e6 });
        process.exit(0);
      }
    }
  };
  report({ ready: true });
  process.once('SIGTERM', () => process.exit(0));
  await Promise.all(Array.from({ length: intEnv('POLLERS', 4) }, poller));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
