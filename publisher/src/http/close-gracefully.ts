import type { Server } from 'node:http';

// Long enough for a request already written onto an idle keep-alive socket to arrive.
const LINGER_MS = 500;

/**
 * Closes an HTTP server without cutting off a request already on its way. Node's `close()` drops
 * idle keep-alive connections at once, while a client may have just written a request onto one
 * of them (it sees a reset socket for a request that never reached us). So first every response
 * says `Connection: close`, idle connections get a moment to deliver what is in transit, and only
 * then does the server close and wait for the requests in flight.
 */
export async function closeGracefully(server: Server, lingerMs = LINGER_MS): Promise<void> {
  server.prependListener('request', (_req, res) => {
    res.setHeader('Connection', 'close');
  });
  const open = await new Promise<number>((resolve) => server.getConnections((_err, count) => resolve(count ?? 0)));
  if (open > 0) await new Promise((resolve) => setTimeout(resolve, lingerMs));
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await closed;
}
