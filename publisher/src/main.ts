import { runService } from '@pubsub-ingest/common';
import { loadConfig } from './config';
import { createPublisherService } from './publisher-service';

runService({
  name: 'publisher',
  loadConfig: () => loadConfig(),
  create: (config, logger) => createPublisherService(config, { logger }),
  stopping: 'no new connections, finishing in-flight requests',
  timedOut: 'exiting with in-flight work unfinished',
});
