import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePrometheusText, type MetricFamily } from './support/prometheus-text';
import { postJson, startPipeline, waitFor, type RunningPipeline } from './support/services';

interface CatalogueEntry {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  services: string[];
  /** Label names; a list gives the only values the label may take, null leaves them open. */
  labels: Record<string, string[] | null>;
}
const catalogue: CatalogueEntry[] = JSON.parse(readFileSync(join(__dirname, '..', 'observability', 'metrics.json'), 'utf8')).metrics;

// prom-client's process and Node.js metrics: the catalogue lists those the dashboards use, the rest may come and go with prom-client.
const DEFAULT_METRIC = /^(process|nodejs)_/;

async function scrape(url: string): Promise<Map<string, MetricFamily>> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return parsePrometheusText(await response.text());
}

/** Every way the exposition can disagree with the catalogue, as readable lines (none expected). */
function disagreements(service: string, families: Map<string, MetricFamily>): string[] {
  const problems: string[] = [];
  const listed = catalogue.filter((m) => m.services.includes(service));
  for (const entry of listed) {
    const family = families.get(entry.name) ?? families.get(entry.name.replace(/_total$/, ''));
    if (!family) {
      problems.push(`${entry.name}: listed for ${service}, not exported`);
      continue;
    }
    if (family.type !== entry.type) problems.push(`${entry.name}: exported as ${family.type}, listed as ${entry.type}`);
    for (const sample of family.samples) {
      for (const [label, value] of Object.entries(sample.labels)) {
        if (entry.type === 'histogram' && label === 'le' && sample.name.endsWith('_bucket')) continue;
        if (!(label in entry.labels)) problems.push(`${sample.name}: label ${label} is not in the catalogue`);
        else if (entry.labels[label] && !entry.labels[label]!.includes(value)) problems.push(`${sample.name}: ${label}="${value}" is outside ${JSON.stringify(entry.labels[label])}`);
      }
    }
  }
  for (const name of families.keys()) {
    const known = catalogue.some((m) => m.name === name || m.name === `${name}_total`);
    if (!known && !DEFAULT_METRIC.test(name)) problems.push(`${name}: exported by ${service}, missing from the catalogue`);
  }
  return problems;
}

describe('/metrics of both services against observability/metrics.json', () => {
  let pipeline: RunningPipeline;
  beforeAll(async () => {
    pipeline = await startPipeline();
  });
  afterAll(() => pipeline?.stop());

  it('When traffic of every kind has passed, then each service exports exactly the catalogued names, types and labels', async () => {
    const ingest = `${pipeline.publisher.url}/ingresar-datos`;
    const accepted = await postJson(ingest, { topic_arn: pipeline.messaging.topicName, message: { metrics: true } });
    expect(accepted.status).toBe(202);
    expect((await postJson(ingest, { topic_arn: 'nope', message: 1 })).status).toBe(422);
    expect((await fetch(`${pipeline.publisher.url}/data/not-a-uuid`)).status).toBe(400);
    const id = accepted.json.transaction_id as string;
    await waitFor('the record', async () => (await fetch(`${pipeline.publisher.url}/data/${id}`)).status === 200);
    await pipeline.messaging.sendRaw('not a message of ours', {});
    await waitFor('the invalid message to be seen', async () => (await pipeline.subscriber.metrics.messages.get()).values.some((v) => v.labels.outcome === 'invalid'));

    const publisher = await scrape(pipeline.publisher.url);
    const subscriber = await scrape(pipeline.subscriber.healthUrl);
    expect(disagreements('publisher', publisher)).toEqual([]);
    expect(disagreements('subscriber', subscriber)).toEqual([]);

    // The values follow the traffic, not only the names.
    const sample = (families: Map<string, MetricFamily>, name: string, labels: Record<string, string> = {}) =>
      (families.get(name) ?? families.get(name.replace(/_(bucket|sum|count)$/, '')))!.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
    expect(sample(publisher, 'http_requests_total', { route: '/ingresar-datos', status: '202' })).toBe(1);
    expect(sample(publisher, 'http_requests_total', { route: '/ingresar-datos', status: '422' })).toBe(1);
    expect(sample(publisher, 'sns_publish_total', { outcome: 'ok' })).toBe(1);
    expect(sample(publisher, 'sns_publish_waiting_limit')).toBeGreaterThan(0);
    expect(sample(publisher, 'database_up')).toBe(1);
    expect(sample(subscriber, 'ingest_messages_total', { outcome: 'stored' })).toBe(1);
    expect(sample(subscriber, 'ingest_messages_total', { outcome: 'invalid' })).toBe(1);
    expect(sample(subscriber, 'sqs_received_messages_total')).toBeGreaterThanOrEqual(2);
    expect(sample(subscriber, 'sqs_deleted_messages_total')).toBe(1);
    expect(sample(subscriber, 'ingest_lag_seconds_count')).toBe(1);
    expect(sample(subscriber, 'ingest_batch_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(subscriber, 'database_up')).toBe(1);
    expect(sample(subscriber, 'database_degraded')).toBe(0);
    expect(subscriber.get('sqs_queue_messages')!.samples.map((s) => s.labels.state).sort()).toEqual(['delayed', 'in_flight', 'visible']);
  });
});
