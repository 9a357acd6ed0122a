import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SNSClient } from '@aws-sdk/client-sns';
import { SnsGateway } from './sns-client';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:t';

describe('SnsGateway', () => {
  let server: Server;
  let bodies: string[];
  let gateway: SnsGateway;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        bodies.push(decodeURIComponent(body));
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        res.end('<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    gateway = new SnsGateway(() => new SNSClient({ region: 'us-east-1', endpoint, maxAttempts: 1, credentials: { accessKeyId: 'k', secretAccessKey: 's' } }));
  });
  beforeEach(() => (bodies = []));
  afterAll(async () => {
    gateway.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('When the SDK fails to encode a batch, then the next call carries only its own parameters', async () => {
    // The SDK's query serializer throws URIError on a lone surrogate, keeping what it had written so far.
    await expect(
      gateway.publishBatch({ TopicArn: TOPIC, PublishBatchRequestEntries: [{ Id: '0', Message: 'from the failed batch' }, { Id: '1', Message: 'bad \ud800' }] }),
    ).rejects.toThrow(URIError);

    await gateway.publish({ TopicArn: TOPIC, Message: 'innocent' });

    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toContain('Message=innocent');
    expect(bodies[0]).not.toContain('PublishBatchRequestEntries');
    expect(bodies[0]).not.toContain('from the failed batch');
  });
});
