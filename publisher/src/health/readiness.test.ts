import { readinessOf } from './health.router';

const ok = { name: 'sns', check: async () => undefined };

describe('readinessOf', () => {
  it('When the database serves only in part, then the service stays ready and says it is degraded, and why', async () => {
    const degraded = { name: 'database', check: async () => 'Citus workers unreachable: w1:5432' };
    expect(await readinessOf([degraded, ok], false)).toEqual({
      ready: true, status: 'degraded', checks: { database: 'degraded: Citus workers unreachable: w1:5432', sns: 'ok' },
    });
  });

  it('When a dependency is unreachable, then it is unavailable even if another is only degraded', async () => {
    const down = { name: 'sns', check: async () => { throw new Error('timeout'); } };
    const degraded = { name: 'database', check: async () => 'Citus workers unreachable: w1:5432' };
    expect(await readinessOf([degraded, down], false)).toMatchObject({ ready: false, status: 'unavailable', checks: { sns: 'unavailable: timeout' } });
  });

  it('When everything answers, then it is ok; when shutting down, it is not ready', async () => {
    expect(await readinessOf([ok], false)).toEqual({ ready: true, status: 'ok', checks: { sns: 'ok' } });
    expect(await readinessOf([ok], true)).toEqual({ ready: false, status: 'shutting_down' });
  });
});
