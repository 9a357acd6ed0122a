import Router from '@koa/router';
import type { Registry } from 'prom-client';

/** A dependency the service needs to do its work; `check` rejects when it is unreachable. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface Readiness {
  ready: boolean;
  status: 'ok' | 'unavailable' | 'shutting_down';
  checks?: Record<string, string>;
}

/** Runs every check; the service is ready only when all pass and it is not shutting down. */
export async function readinessOf(checks: readonly ReadinessCheck[], shuttingDown: boolean): Promise<Readiness> {
  if (shuttingDown) return { ready: false, status: 'shutting_down' };
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        await check();
        return [name, 'ok'] as const;
      } catch (err) {
        return [name, `unavailable: ${(err as Error).message}`] as const;
      }
    }),
  );
  const ready = results.every(([, state]) => state === 'ok');
  return { ready, status: ready ? 'ok' : 'unavailable', checks: Object.fromEntries(results) };
}

export function healthRouter({ readiness, registry }: { readiness: () => Promise<Readiness>; registry: Registry }): Router {
  const router = new Router();

  router.get('/healthz', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const { ready, ...body } = await readiness();
    ctx.status = ready ? 200 : 503;
    ctx.body = body;
  });

  router.get('/metrics', async (ctx) => {
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });

  return router;
}
