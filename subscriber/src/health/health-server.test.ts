import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { createHealthServer } from './health-server';

async function readyz(ready: () => Promise<string | undefined>): Promise<{ status: number; body: unknown }> {
  const server = createHealthServer({ registry: new Registry(), ready }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`);
    return { status: res.status, body: await res.json() };
  } finally {
    server.close();
  }
}

describe('subscriber /readyz', () => {
  it('When the database serves only in part, then it answers 200 degraded with the reason', async () => {
    expect(await readyz(async () => 'Citus workers unreachable: w1:5432')).toEqual({ status: 200, body: { status: 'degraded', reason: 'Citus workers unreachable: w1:5432' } });
  });

  it('When all is well it answers 200 ok; when a dependency fails, 503 with the reason', async () => {
    expect(await readyz(async () => undefined)).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await readyz(async () => { throw new Error('not polling'); })).toEqual({ status: 503, body: { status: 'unavailable', reason: 'not polling' } });
  });
});
