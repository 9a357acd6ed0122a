import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

const CHART = resolve(__dirname, '..', '..', 'helm-charts', 'publisher');

interface PublisherValues {
  config?: { nodeOptions?: string; rateLimit?: Partial<ClientLimits> };
}

async function values(file: string): Promise<PublisherValues> {
  return parseYaml(await readFile(resolve(CHART, file), 'utf8')) as PublisherValues;
}

export interface ClientLimits {
  messagesPerSecond: number;
  burst: number;
  bytesPerSecond: number;
  bytesBurst: number;
  refusalDelayMs: number;
}

/** The per-client limits the production values deploy, so a scenario meets the publisher as it runs there. */
export async function productionClientLimits(): Promise<ClientLimits> {
  const limits = (await values('values-production.yaml')).config?.rateLimit;
  if (!limits?.messagesPerSecond || !limits.burst || !limits.bytesPerSecond || !limits.bytesBurst || limits.refusalDelayMs === undefined) throw new Error(`${CHART}/values-production.yaml sets no complete config.rateLimit`);
  return limits as ClientLimits;
}

/** The NODE_OPTIONS the chart gives the publisher's container (its heap sizes), or undefined. */
export async function chartNodeOptions(): Promise<string | undefined> {
  return (await values('values.yaml')).config?.nodeOptions || undefined;
}

/**
 * The same heap sizes for a process outside a container of `memoryMiB`: a share of the memory
 * limit (`--max-old-space-size-percentage`, which outside a container would take a share of the
 * whole machine) becomes that share of `memoryMiB`.
 */
export function asIfInContainer(nodeOptions: string, memoryMiB: number): string {
  return nodeOptions.replace(/--max-old-space-size-percentage=(\d+(?:\.\d+)?)/, (_, percent: string) => `--max-old-space-size=${Math.floor((Number(percent) / 100) * memoryMiB)}`);
}
