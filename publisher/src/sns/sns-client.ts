import {
  GetTopicAttributesCommand,
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
  type PublishBatchCommandInput,
  type PublishBatchCommandOutput,
  type PublishCommandInput,
  type PublishCommandOutput,
} from '@aws-sdk/client-sns';
import type { PublisherConfig } from '../config';
import { isClientSideError } from './outgoing-message';

/** The production SNS client: the SDK's retry policy with our attempts and timeouts. */
export function createSnsClient(config: Pick<PublisherConfig, 'AWS_REGION' | 'AWS_ENDPOINT_URL' | 'SNS_MAX_ATTEMPTS' | 'SNS_REQUEST_TIMEOUT_MS'>): SNSClient {
  return new SNSClient({
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
    maxAttempts: config.SNS_MAX_ATTEMPTS,
    requestHandler: { requestTimeout: config.SNS_REQUEST_TIMEOUT_MS, connectionTimeout: 2_000 },
  });
}

/** How long a retired client stays open for calls already in flight on it. */
const RETIRED_CLIENT_GRACE_MS = 60_000;

/**
 * The SNS calls the publisher makes, on a client that is replaced after a client-side failure.
 * The SDK's query serializer keeps a half-written request when encoding throws (a URIError on a
 * lone surrogate, for one), and the next call on that client sends it along with its own
 * parameters; so a client that failed that way is retired and never used again.
 */
export class SnsGateway {
  private client: SNSClient;

  constructor(private readonly createClient: () => SNSClient) {
    this.client = createClient();
  }

  publish(input: PublishCommandInput): Promise<PublishCommandOutput> {
    return this.call((client) => client.send(new PublishCommand(input)));
  }

  publishBatch(input: PublishBatchCommandInput): Promise<PublishBatchCommandOutput> {
    return this.call((client) => client.send(new PublishBatchCommand(input)));
  }

  async checkTopic(topicArn: string): Promise<void> {
    await this.call((client) => client.send(new GetTopicAttributesCommand({ TopicArn: topicArn })));
  }

  destroy(): void {
    this.client.destroy();
  }

  private async call<T>(run: (client: SNSClient) => Promise<T>): Promise<T> {
    const client = this.client;
    try {
      return await run(client);
    } catch (err) {
      if (isClientSideError(err) && client === this.client) {
        this.client = this.createClient();
        setTimeout(() => client.destroy(), RETIRED_CLIENT_GRACE_MS).unref();
      }
      throw err;
    }
  }
}
