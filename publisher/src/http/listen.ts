import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PublisherConfig } from '../config';
import { answerClientErrorsAsJson } from './client-error';

/** Node's default, stated: past 16 KiB of headers the request is 431 headers_too_large. */
const MAX_HEADER_BYTES = 16 * 1024;

export type ServerTimeouts = Pick<PublisherConfig, 'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_REQUEST_TIMEOUT_MS' | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'>;

/** Serves `handler` on host:port (0 picks a free port) and resolves once it listens, with its base URL. */
export async function listen(handler: RequestListener, host: string, port: number, timeouts: ServerTimeouts): Promise<{ server: Server; url: string }> {
  const server = createServer(
    {
      headersTimeout: timeouts.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: timeouts.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeout: timeouts.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxHeaderSize: MAX_HEADER_BYTES,
      // How often Node looks for requests past those timeouts; its default of 30 s would let a slow client hold a socket that long.
      connectionsCheckingInterval: Math.min(1_000, timeouts.HTTP_HEADERS_TIMEOUT_MS),
    },
    handler,
  );
  server.listen(port, host);
  answerClientErrorsAsJson(server);
  await once(server, 'listening');
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}` };
}
