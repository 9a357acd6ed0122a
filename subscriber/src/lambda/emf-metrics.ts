import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { lagSeconds, outcomeLabel, type IngestMetrics } from '../metrics';

/**
 * The ingest metrics of the Lambda handler, under the poller's Prometheus names, written as
 * CloudWatch Embedded Metric Format lines on stdout (CloudWatch turns them into metrics, no API
 * calls). `ingest_messages_total` carries the `outcome` dimension; the others the service only.
 */
export class EmfIngestMetrics implements IngestMetrics {
  private readonly metrics: Metrics;

  constructor(namespace: string, serviceName = 'subscriber-lambda') {
    this.metrics = new Metrics({ namespace, serviceName });
  }

  record(outcomes: Parameters<IngestMetrics['record']>[0], now = Date.now()): void {
    const counts = new Map<string, number>();
    for (const outcome of outcomes) {
      const label = outcomeLabel(outcome);
      counts.set(label, (counts.get(label) ?? 0) + 1);
      if (outcome.status === 'stored') this.metrics.addMetric('ingest_lag_seconds', MetricUnit.Seconds, lagSeconds(outcome, now));
    }
    for (const [outcome, count] of counts) {
      const single = this.metrics.singleMetric();
      single.addDimension('outcome', outcome);
      single.addMetric('ingest_messages_total', MetricUnit.Count, count);
    }
  }

  statement(size: number, seconds: number): void {
    this.metrics.addMetric('ingest_batch_size', MetricUnit.Count, size);
    this.metrics.addMetric('ingest_batch_duration_seconds', MetricUnit.Seconds, seconds);
  }

  /** Writes what the invocation gathered; called once per invocation. */
  flush(): void {
    this.metrics.publishStoredMetrics();
  }
}
