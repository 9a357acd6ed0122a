import Router from '@koa/router';
import type { Registry } from 'prom-client';

/**
 * A dependency the service needs to do its work; `check` rejects when it is unreachable and
 * resolves with a reason when it works only in part (degraded).
 */
export interface ReadinessCheck {
  name: string;
  check(): Promise<string | undefined | void>;
}

export interface Readiness {
  ready: boolean;
  status: 'ok' | 'degraded' | 'unavailable' | 'shutting_down';
  checks?: Record<string, string>;
}

/** Runs every check; the service is ready when none is unavailable and it is not shutting down. */
export async function readinessOf(checks: readonly ReadinessCheck[], shuttingDown: boolean): Promise<Readiness> {
  if (shuttingDown) return { ready: false, status: 'shutting_down' };
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        const degraded = await check();
        return [name, degraded ? `degraded: ${degraded}` : 'ok'] as const;
      } catch (err) {
        return [name, `unavailable: ${(err as Error).message}`] as const;
      }
    }),
  );
  const ready = results.every(([, state]) => !state.startsWith('unavailable'));
  const degraded = results.some(([, state]) => state.startsWith('degraded'));
  return { ready, status: !ready ? 'unavailable' : degraded ? 'degraded' : 'ok', checks: Object.fromEntries(results) };
}

export interface HealthRouterDeps {
  readiness: () => Promise<Readiness>;
  registry: Registry;
}

/** `/healthz`: the process answers. It tells nothing of the dependencies, so it may stay on the API port for a load balancer's checks. */
export function livenessRouter(): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });
  return router;
}

/** Liveness, and what only probes and scrapers should see: readiness names the dependencies' state, metrics everything. */
export function healthRouter({ readiness, registry }: HealthRouterDeps): Router {
  const router = new Router();
  router.use(livenessRouter().routes());

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
