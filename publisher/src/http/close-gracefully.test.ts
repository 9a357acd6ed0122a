import { once } from 'node:events';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeGracefully } from './close-gracefully';

function get(port: number, agent: Agent): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    }).on('error', reject).end();
  });
}

describe('closeGracefully', () => {
  let server: Server;
  let port: number;
  beforeEach(async () => {
    server = createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterEach(() => server.closeAllConnections());

  it('When a request is sent on an idle keep-alive socket as the server closes, then it is answered, with Connection: close', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await get(port, agent)).status).toBe(200);
    const closing = closeGracefully(server);
    const raced = await get(port, agent);
    expect(raced).toEqual({ status: 200, connection: 'close' });
    await closing;
    expect(server.listening).toBe(false);
    agent.destroy();
  });

  it('When no connection is open, then it closes at once', async () => {
    const started = Date.now();
    await closeGracefully(server, 10_000);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
