import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, spawnService, startPostgresServer, waitReady, type PostgresServer, type ServiceProcess } from '@pubsub-ingest/local-stack';

export interface ClusterOptions {
  dataDir: string;
  postgres: PostgresServer;
  /** Environment of both services; AWS_ENDPOINT_URL points at the fault proxy. */
  serviceEnv: Record<string, string>;
  subscribers: number;
  log: (line: string) => void;
}

/**
 * The services as real processes, and the faults done to them: SIGKILL and restart of a
 * subscriber, of the publisher, and of the Postgres server itself (its postmaster, not only the
 * process that started it), which then recovers from its WAL.
 */
export class Cluster {
  publisher!: ServiceProcess;
  readonly subscribers: (ServiceProcess | undefined)[];
  readonly url: string;
  readonly kills = { subscriber: 0, publisher: 0, postgres: 0 };
  private postgres: PostgresServer;

  private constructor(private readonly options: ClusterOptions, private readonly port: number) {
    this.postgres = options.postgres;
    this.subscribers = new Array(options.subscribers).fill(undefined);
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(options, await freePort());
    await cluster.startPublisher();
    for (let i = 0; i < options.subscribers; i++) cluster.startSubscriber(i);
    return cluster;
  }

  private async startPublisher(): Promise<void> {
    this.publisher = spawnService('publisher', { ...this.options.serviceEnv, PORT: String(this.port), LOG_LEVEL: 'warn' });
    const publisher = this.publisher;
    await waitReady(`${this.url}/healthz`, { name: 'publisher', alive: () => publisher.child.exitCode === null && publisher.child.signalCode === null });
  }

  private startSubscriber(i: number): void {
    this.subscribers[i] = spawnService('subscriber', {
      ...this.options.serviceEnv,
      HEALTH_PORT: '0',
      LOG_LEVEL: 'warn',
      RECEIVE_WAIT_SECONDS: '2',
      VISIBILITY_TIMEOUT_SECONDS: '5',
    });
  }

  async killSubscriber(i: number): Promise<void> {
    await this.subscribers[i]?.stop('SIGKILL');
    this.kills.subscriber++;
    await sleep(300);
    this.startSubscriber(i);
  }

  async killPublisher(): Promise<void> {
    await this.publisher.stop('SIGKILL');
    this.kills.publisher++;
    this.options.log('publisher killed (SIGKILL)');
    await sleep(500);
    await this.startPublisher();
    this.options.log('publisher restarted');
  }

  /** SIGKILL of the postmaster: no shutdown checkpoint, only what was committed to the WAL survives. */
  async killPostgres(downMs: number): Promise<void> {
    const dataDir = join(this.options.dataDir, 'postgres');
    const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(postmaster, 'SIGKILL');
    this.postgres.process.kill('SIGKILL');
    this.kills.postgres++;
    this.options.log(`postgres killed (SIGKILL of postmaster ${postmaster})`);
    await sleep(downMs);
    for (let attempt = 1; ; attempt++) {
      try {
        this.postgres = await startPostgresServer({ dataDir, port: this.postgres.info.port });
        break;
      } catch (err) {
        // Backends of the killed postmaster may still hold its shared memory for a moment.
        if (attempt >= 20) throw err;
        await sleep(500);
      }
    }
    this.options.log('postgres restarted and recovered');
  }

  /** SIGTERM to every service: they drain and exit. */
  async stop(): Promise<void> {
    await Promise.all([this.publisher.stop(), ...this.subscribers.map((s) => s?.stop())]);
  }

  /** The server to stop last: the one running now, after any restart. */
  get currentPostgres(): PostgresServer {
    return this.postgres;
  }
}
