import { ConfigError } from '@pubsub-ingest/common';
import { loadConfig } from './config';

const valid = { AWS_REGION: 'eu-west-1', ALLOWED_TOPICS: 'data-ingestion-topic=arn:aws:sns:eu-west-1:123456789012:data-ingestion-topic' };

describe('publisher configuration', () => {
  it('When ALLOWED_TOPICS lists name=arn pairs, then they become the allow-list', () => {
    const config = loadConfig({ ...valid, ALLOWED_TOPICS: `${valid.ALLOWED_TOPICS}, audit=arn:aws:sns:eu-west-1:123456789012:audit` });
    expect([...config.ALLOWED_TOPICS]).toEqual([
      ['data-ingestion-topic', 'arn:aws:sns:eu-west-1:123456789012:data-ingestion-topic'],
      ['audit', 'arn:aws:sns:eu-west-1:123456789012:audit'],
    ]);
    expect(config.PORT).toBe(3000);
    expect(config.HOST).toBe('127.0.0.1');
  });

  it.each([
    ['ALLOWED_TOPICS', { ...valid, ALLOWED_TOPICS: 'data-ingestion-topic' }],
    ['ALLOWED_TOPICS', { ...valid, ALLOWED_TOPICS: 'x=arn:aws:sqs:eu-west-1:123456789012:q' }],
    ['AWS_REGION', { ALLOWED_TOPICS: valid.ALLOWED_TOPICS }],
    ['PORT', { ...valid, PORT: 'eighty' }],
    ['PGSSLMODE', { ...valid, PGSSLMODE: 'sometimes' }],
  ])('When %s is bad, then start-up fails naming it', (name, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`environment variable ${name}`));
  });
});
