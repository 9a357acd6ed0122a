import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { encodeForSns } from '../messages';
import { intEnv, report, requiredEnv } from './peer-env';

/**
 * The `ceiling` of the batch scenario: what the emulator takes from one Node process with the real
 * SDK, PublishBatch calls of 10 of the bench's messages, IN_FLIGHT at a time, for DURATION_S, with
 * no HTTP and no validation. Reports `done` with the messages SNS acknowledged and its CPU time.
 */
async function main(): Promise<void> {
  const topicArn = requiredEnv('TOPIC_ARN');
  const topic = requiredEnv('TOPIC_NAME');
  const durationMs = intEnv('DURATION_S', 10) * 1000;
  const sns = new SNSClient({ region: requiredEnv('AWS_REGION'), ...(process.env.AWS_ENDPOINT_URL ? { endpoint: process.env.AWS_ENDPOINT_URL } : {}) });
  let published = 0;
  let failed = 0;
  let n = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const caller = async () => {
    while (performance.now() - started < durationMs) {
      const entries = Array.from({ length: 10 }, (_, i) => {
        const m = encodeForSns(topic, n++);
        return { Id: String(i), Message: m.body, MessageAttributes: m.attributes };
      });
      const { Successful = [], Failed = [] } = await sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries }));
      published += Successful.length;
      failed += Failed.length;
    }
  };
  await Promise.all(Array.from({ length: intEnv('IN_FLIGHT', 16) }, caller));
  const used = process.cpuUsage(cpu);
  report({ done: published, failed, elapsed_ms: performance.now() - started, cpu_s: (used.user + used.system) / 1e6 });
  sns.destroy();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
