import { runService } from '@pubsub-ingest/common';
import { loadConfig } from './config';
import { createSubscriberService } from './subscriber-service';

runService({
  name: 'subscriber',
  loadConfig: () => loadConfig(),
  create: (config, logger) => createSubscriberService(config, { logger }),
  stopping: 'no new receives, finishing and acknowledging held messages',
  timedOut: 'unacknowledged messages will be redelivered',
});
