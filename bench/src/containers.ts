import { execFile, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitReady } from '@pubsub-ingest/local-stack';
import { progress } from './progress';

const exec = promisify(execFile);
const SCRIPTS = resolve(__dirname, '..', 'scripts');
const BUILD_IMAGES = resolve(__dirname, '..', '..', 'scripts', 'images', 'build.sh');
/** The host's loopback as a container on slirp4netns with allow_host_loopback sees it. */
const HOST_FROM_CONTAINER = '10.0.2.2';
const CONTAINER_PORT = { publisher: 3000, subscriber: 8081 } as const;

export type ServiceName = keyof typeof CONTAINER_PORT;
export type Images = Record<ServiceName, string>;

async function podman(...args: string[]): Promise<string> {
  try {
    const { stdout } = await exec('bash', [resolve(SCRIPTS, 'podman.sh'), ...args], { maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  } catch (err) {
    throw new Error(`podman ${args.slice(0, 2).join(' ')} failed: ${(err as { stderr?: string }).stderr ?? String(err)}`);
  }
}

/**
 * The images of this commit, built with podman as the image test builds them (scripts/images/
 * build.sh: a base image from Debian's mirror on a cold cache, minutes). Quick mode never builds.
 */
export async function ensureImages(allowBuild: boolean): Promise<{ images: Images } | { unavailable: string }> {
  const missing = ['podman', 'runc', 'slirp4netns'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (missing.length) return { unavailable: `${missing.join(', ')} not installed (Debian: apt-get install podman runc slirp4netns debootstrap)` };
  if (!allowBuild) return { unavailable: 'quick mode never builds the images (npm run test:images or a full run does)' };
  progress.step('building the images of this commit with podman (reuses every cached layer)');
  try {
    const { stdout } = await exec('bash', [BUILD_IMAGES], { maxBuffer: 16 * 1024 * 1024 });
    const images = Object.fromEntries(stdout.trim().split('\n').map((line) => line.split(' '))) as Images;
    return { images };
  } catch (err) {
    return { unavailable: `building the images failed: ${((err as { stderr?: string }).stderr ?? String(err)).split('\n').slice(-3).join(' ')}` };
  }
}

export interface RunningContainer {
  name: string;
  /** The host PID of the container's first process (node is PID 1 in the image). */
  pid: number;
  /** Base URL of the service's port, published on 127.0.0.1. */
  url: string;
  oomKilled(): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * A service image as the chart runs it: read-only root, its non-root user, `memoryMiB` as the
 * memory limit (no swap), the bench stack reached through the host's loopback, configured by
 * environment only.
 */
export async function runContainer(service: ServiceName, image: string, env: Record<string, string>, memoryMiB: number): Promise<RunningContainer> {
  const port = await freePort();
  const name = `pubsub-ingest-bench-${service}-${process.pid}-${port}`;
  const containerEnv = { ...env, ...(service === 'publisher' ? { HOST: '0.0.0.0', PORT: String(CONTAINER_PORT.publisher) } : { HEALTH_HOST: '0.0.0.0', HEALTH_PORT: String(CONTAINER_PORT.subscriber) }) };
  const envArgs = Object.entries(containerEnv).flatMap(([k, v]) => ['--env', `${k}=${v.replaceAll('127.0.0.1', HOST_FROM_CONTAINER)}`]);
  const bytes = memoryMiB * 2 ** 20;
  await podman(
    'run', '--detach', '--name', name,
    '--network', 'slirp4netns:allow_host_loopback=true',
    '--publish', `127.0.0.1:${port}:${CONTAINER_PORT[service]}/tcp`,
    '--read-only', '--read-only-tmpfs=false', '--tmpfs', '/tmp:rw,nosuid,nodev,mode=1777',
    '--memory', `${bytes}b`, '--memory-swap', `${bytes}b`,
    ...envArgs, image,
  );
  const stop = async () => {
    await podman('rm', '--force', '--time', '5', name).catch(() => undefined);
  };
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitReady(`${url}/readyz`, { name: `${service} container` });
    const pid = Number(await podman('inspect', '--format', '{{.State.Pid}}', name));
    return { name, pid, url, oomKilled: async () => (await podman('inspect', '--format', '{{.State.OOMKilled}}', name)) === 'true', stop };
  } catch (err) {
    const logs = await podman('logs', '--tail', '20', name).catch(() => '');
    await stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${logs}`);
  }
}
