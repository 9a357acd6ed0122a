import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultRates {
  /** Answered with an error without reaching the emulator: the call did not happen. */
  before: number;
  /** Forwarded, then answered with an error: the call happened, the client cannot know. */
  after: number;
}

export interface FaultProxy {
  endpoint: string;
  counts: { forwarded: number; failedBefore: number; failedAfter: number };
  setRates(rates: FaultRates): void;
  stop(): Promise<void>;
}

/** An error in the shape each protocol's SDK deserializer expects: query XML for SNS, JSON for SQS. */
function answerWithError(req: IncomingMessage, res: ServerResponse, throttle: boolean): void {
  const json = String(req.headers['content-type'] ?? '').includes('json');
  const status = throttle ? 400 : 503;
  if (json) {
    const type = throttle ? 'ThrottlingException' : 'ServiceUnavailable';
    res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-query-error': `${type};${throttle ? 'Sender' : 'Receiver'}` });
    res.end(JSON.stringify({ __type: `com.amazonaws.sqs#${type}`, message: 'injected fault' }));
    return;
  }
  const code = throttle ? 'Throttling' : 'ServiceUnavailable';
  res.writeHead(status, { 'Content-Type': 'text/xml' });
  res.end(`<ErrorResponse><Error><Type>${throttle ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>injected fault</Message></Error><RequestId>fault</RequestId></ErrorResponse>`);
}

/**
 * An HTTP proxy in front of the SNS/SQS emulator that fails a share of the calls, the way AWS does
 * now and then: throttling and 5xx before a call takes effect, and 5xx after it did. The services
 * reach the emulator only through it (AWS_ENDPOINT_URL), with their real SDK clients and retries.
 */
export async function startFaultProxy(target: string, initial: FaultRates, random: () => number = Math.random): Promise<FaultProxy> {
  const upstream = new URL(target);
  let rates = initial;
  const counts = { forwarded: 0, failedBefore: 0, failedAfter: 0 };
  const server: Server = createServer((req, res) => {
    const roll = random();
    if (roll < rates.before) {
      counts.failedBefore++;
      req.resume();
      req.on('end', () => answerWithError(req, res, roll < rates.before / 2));
      return;
    }
    const failAfter = roll < rates.before + rates.after;
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        counts.forwarded++;
        if (failAfter) {
          counts.failedAfter++;
          answer.resume();
          answer.on('end', () => answerWithError(req, res, false));
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    setRates: (next) => (rates = next),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
