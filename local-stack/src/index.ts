export { awsClientConfig, EMULATOR_CREDENTIALS, REGION } from './aws-client-config';
export { startLocalStack, type LocalStack } from './local-stack';
export { DEFAULT_NAMES, provisionMessaging, type Messaging, type MessagingNames } from './provision';
