import type { PublishBatchCommandInput, PublishBatchCommandOutput } from '@aws-sdk/client-sns';
import { createLogger, tracingOff } from '@pubsub-ingest/common';
import { Registry } from 'prom-client';
import { BatchingPublisher } from './batching-publisher';
import { PublishRejectedError, type OutgoingMessage } from './outgoing-message';
import { PublishMetrics } from './publish-metrics';
import type { SnsGateway } from './sns-client';

const message = (body: string): OutgoingMessage => ({ topicArn: 'arn:aws:sns:us-east-1:123456789012:t', body, attributes: [['ingest.transaction_id', body]] });

/**
 * A stand-in for the SNS gateway: a client-side encoding failure cannot be produced through the
 * real SDK once validation has run, so this injects one. SNS replies are tested through the real
 * SDK against nock in test/publisher-batching.test.ts.
 */
function gatewayAnswering(reply: (input: PublishBatchCommandInput) => PublishBatchCommandOutput | Promise<PublishBatchCommandOutput>) {
  const calls: string[][] = [];
  const gateway = {
    publishBatch: async (input: PublishBatchCommandInput) => {
      calls.push((input.PublishBatchRequestEntries ?? []).map((e) => e.Message!));
      await new Promise((resolve) => setTimeout(resolve, 5));
      return reply(input);
    },
  } as unknown as SnsGateway;
  const publisher = new BatchingPublisher(gateway, new PublishMetrics(new Registry()), 20, createLogger('test', 'silent'), tracingOff);
  return { publisher, calls };
}

const ok = (input: PublishBatchCommandInput): PublishBatchCommandOutput => ({
  Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
  Failed: [],
  $metadata: {},
});

const settle = (publisher: BatchingPublisher, bodies: string[]) => Promise.allSettled(bodies.map((b) => publisher.publish(message(b))));

describe('BatchingPublisher: one entry never decides another', () => {
  it('When the SDK fails to encode a batch, then every entry is sent alone and only the one at fault is refused', async () => {
    const { publisher, calls } = gatewayAnswering((input) => {
      if (input.PublishBatchRequestEntries!.some((e) => e.Message === 'poison')) throw new URIError('URI malformed');
      return ok(input);
    });
    const results = await settle(publisher, ['a', 'b', 'poison', 'c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(PublishRejectedError);
    expect(calls.some((c) => c.length > 1 && c.includes('poison'))).toBe(true);
    expect(calls.filter((c) => c.length === 1 && c[0] === 'poison')).toHaveLength(1);
  });

  it('When a message holds a character SNS cannot carry, then it is refused before any call', async () => {
    const { publisher, calls } = gatewayAnswering((input) => ok(input));
    await expect(publisher.publish(message('lone \ud800'))).rejects.toBeInstanceOf(PublishRejectedError);
    await expect(publisher.publish(message(''))).rejects.toBeInstanceOf(PublishRejectedError);
    expect(calls).toEqual([]);
  });
});
