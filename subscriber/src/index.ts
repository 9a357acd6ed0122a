export { loadConfig as loadSubscriberConfig, loadLambdaConfig, loadDlqConfig, subscriberEnv, lambdaEnv, type SubscriberConfig, type LambdaConfig } from './config';
export { createSubscriberService, type SubscriberService, type SubscriberServiceDeps } from './subscriber-service';
export { createLambdaRuntime, handler as lambdaHandler, ingestEvent, type LambdaRuntime } from './lambda/handler';
export { isAcknowledgeable, type IngestOutcome } from './ingest/ingest-core';
export { receivedMessageOf } from './sqs/received-message';
export { SubscriberMetrics, type IngestMetrics } from './metrics';
