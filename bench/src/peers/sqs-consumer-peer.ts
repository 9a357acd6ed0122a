import { SQSClient, type Message } from '@aws-sdk/client-sqs';
import { decodeQueuedMessage } from '@pubsub-ingest/common';
import { receivedMessageOf } from '@pubsub-ingest/subscriber';
import { Pool } from 'pg';
import { Consumer } from 'sqs-consumer';
import { intEnv, report, requiredEnv } from './peer-env';

/**
 * The `sqs_consumer` drain peer: bbc/sqs-consumer as its README shows it — `Consumer.create` with
 * an async `handleMessage`, `batchSize: 10` so a receive's messages are handled in parallel — with
 * one INSERT … ON CONFLICT DO NOTHING per message on a pg pool of the services' size. POLLERS
 * consumers run side by side, matching the subscriber's concurrent long polls.
 */
const INSERT = `insert into records (transaction_id, topic, message, content_type, attributes, schema_version, published_at)
values ($1, $2, $3, $4, $5, $6, $7) on conflict (transaction_id) do nothing`;

function main(): void {
  const queueUrl = requiredEnv('QUEUE_URL');
  const pool = new Pool({ connectionString: requiredEnv('DATABASE_URL'), max: intEnv('DATABASE_POOL_SIZE', 8) });
  pool.on('error', (err) => console.error(`idle connection failed: ${err.message}`));
  const sqs = new SQSClient({
    region: requiredEnv('AWS_REGION'),
    ...(process.env.AWS_ENDPOINT_URL ? { endpoint: process.env.AWS_ENDPOINT_URL } : {}),
  });

  const handleMessage = async (sqsMessage: Message): Promise<Message> => {
    const decoded = decodeQueuedMessage(receivedMessageOf(sqsMessage));
    // Thrown: sqs-consumer leaves the message on the queue for the redrive policy.
    if (!decoded.ok) throw new Error(decoded.reason);
    const m = decoded.message;
    await pool.query(INSERT, [m.transactionId, m.topic, m.messageJson, m.contentType, JSON.stringify(m.attributes), m.schemaVersion, m.publishedAt]);
    return sqsMessage;
  };

  const consumers = Array.from({ length: intEnv('POLLERS', 4) }, () => {
    const consumer = Consumer.create({
      queueUrl,
      sqs,
      batchSize: 10,
      messageAttributeNames: ['All'],
      handleMessage,
    });
    consumer.on('error', (err) => console.error(`sqs-consumer error: ${err.message}`));
    consumer.on('processing_error', (err) => console.error(`sqs-consumer processing error: ${err.message}`));
    return consumer;
  });
  for (const consumer of consumers) consumer.start();
  report({ ready: true });

  const stop = () => {
    for (const consumer of consumers) consumer.stop();
    void pool.end().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main();
