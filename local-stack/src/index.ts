export { awsClientConfig, EMULATOR_CREDENTIALS, REGION } from './aws-client-config';
export { spawnServer, type ChildServer } from './child-server';
export { freePort, waitReady } from './net';
export { DEFAULT_NAMES, provisionMessaging, type Messaging, type MessagingNames } from './provision';
export { EMULATORS, startEmulatorServer, startPostgresServer, type EmulatorKind, type EmulatorServer, type PostgresServer } from './servers';
export { SERVICE_SCRIPTS, spawnService, type ServiceProcess } from './service-process';
export { startLocalStack, type LocalStack, type LocalStackOptions } from './local-stack';
