import { hash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { BatchResultErrorEntry, Message } from '@aws-sdk/client-sqs';
import { RequestSigner, type AwsCredentials } from './sign-request';

export interface SqsJsonClientOptions {
  region: string;
  /** Where requests go: the endpoint override when there is one, else the queue URL's origin (as the SDK does). */
  endpoint: string;
  /** The SDK client's provider, so the same credential chain and refresh apply. */
  credentials: () => Promise<AwsCredentials>;
  /** Milliseconds a request may take in all; must exceed the long poll. */
  requestTimeoutMs: number;
  /** Milliseconds to establish a connection. */
  connectionTimeoutMs: number;
}

export interface ReceiveRequest {
  QueueUrl: string;
  MaxNumberOfMessages: number;
  WaitTimeSeconds: number;
  VisibilityTimeout: number;
  MessageAttributeNames: string[];
  MessageSystemAttributeNames: string[];
}

/** What the SQS JSON protocol answers with an error; `retryable` for throttling and the server's own failures. */
export class SqsRequestError extends Error {
  constructor(
    readonly operation: string,
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(`${operation}: ${code}: ${message}`);
    this.name = 'SqsRequestError';
  }
}

/** The calls made for every message, each message taken, plus its settlement. */
export interface QueueTransport {
  receive(request: ReceiveRequest, signal?: AbortSignal): Promise<Message[]>;
  deleteBatch(queueUrl: string, entries: { Id: string; ReceiptHandle: string }[]): Promise<BatchResultErrorEntry[]>;
}

/**
 * ReceiveMessage and DeleteMessageBatch over the SQS JSON protocol, without the SDK's middleware
 * stack: the two calls made for every ten messages cost more CPU in the SDK (serialisation by
 * schema, endpoint rules, signing through generic hash wrappers, deserialisation by schema) than
 * everything else the subscriber does. Every other SQS call still goes through the SDK.
 */
export class SqsJsonClient implements QueueTransport {
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly signer: RequestSigner;
  private readonly request: typeof http.request;

  constructor(private readonly options: SqsJsonClientOptions) {
    this.url = new URL(options.endpoint);
    const secure = this.url.protocol === 'https:';
    this.agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 50 }) : new http.Agent({ keepAlive: true, maxSockets: 50 });
    this.request = secure ? https.request : http.request;
    this.signer = new RequestSigner(options.region, 'sqs');
  }

  async receive(request: ReceiveRequest, signal?: AbortSignal): Promise<Message[]> {
    const { Messages = [] } = await this.call<{ Messages?: Message[] }>('ReceiveMessage', request, signal);
    // TLS protects the body on the wire, but the MD5 SQS computed when it took the message is the
    // only end-to-end check of the body: the contract checks after it cannot tell a changed
    // character. So it stays, as one native hash (the SDK's check cost twice as much).
    for (const message of Messages) {
      if (message.MD5OfBody !== undefined && hash('md5', message.Body ?? '', 'hex') !== message.MD5OfBody) {
        throw new SqsRequestError('ReceiveMessage', 200, 'InvalidChecksum', `the MD5 of message ${message.MessageId} does not match its body`, true);
      }
    }
    return Messages;
  }

  async deleteBatch(queueUrl: string, entries: { Id: string; ReceiptHandle: string }[]): Promise<BatchResultErrorEntry[]> {
    const { Failed = [] } = await this.call<{ Failed?: BatchResultErrorEntry[] }>('DeleteMessageBatch', { QueueUrl: queueUrl, Entries: entries });
    return Failed;
  }

  destroy(): void {
    this.agent.destroy();
  }

  private async call<T>(operation: string, input: object, signal?: AbortSignal): Promise<T> {
    const body = JSON.stringify(input);
    const headers = this.signer.sign(
      {
        method: 'POST',
        host: this.url.host,
        path: this.url.pathname,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${operation}` },
        body,
      },
      await this.options.credentials(),
    );
    headers['content-length'] = String(Buffer.byteLength(body));
    const { statusCode, text } = await this.send(headers, body, signal);
    if (statusCode === 200) return JSON.parse(text) as T;
    throw errorOf(operation, statusCode, text);
  }

  private send(headers: Record<string, string>, body: string, signal?: AbortSignal): Promise<{ statusCode: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = this.request(
        { protocol: this.url.protocol, hostname: this.url.hostname, port: this.url.port, path: this.url.pathname, method: 'POST', headers, agent: this.agent, ...(signal ? { signal } : {}) },
        (res) => {
          res.setEncoding('utf8');
          let text = '';
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      const timer = setTimeout(() => req.destroy(new Error(`request timed out after ${this.options.requestTimeoutMs} ms`)), this.options.requestTimeoutMs).unref();
      req.on('error', reject);
      req.on('close', () => clearTimeout(timer));
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const connectTimer = setTimeout(() => req.destroy(new Error(`connection timed out after ${this.options.connectionTimeoutMs} ms`)), this.options.connectionTimeoutMs).unref();
        socket.once('connect', () => clearTimeout(connectTimer));
        socket.once('close', () => clearTimeout(connectTimer));
      });
      req.end(body);
    });
  }
}

function errorOf(operation: string, statusCode: number, text: string): SqsRequestError {
  let code = `HTTP ${statusCode}`;
  let message = text.slice(0, 200);
  try {
    const parsed = JSON.parse(text) as { __type?: string; message?: string; Message?: string };
    if (parsed.__type) code = parsed.__type.split('#').pop()!;
    message = parsed.message ?? parsed.Message ?? message;
  } catch {
    // not JSON: a proxy's or load balancer's answer
  }
  const retryable = statusCode >= 500 || statusCode === 429 || /throttl|RequestThrottled|KmsThrottled/i.test(code);
  return new SqsRequestError(operation, statusCode, code, message, retryable);
}
