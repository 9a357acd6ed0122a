export const REGION = 'us-east-1';
/** The emulator accepts any credentials; these only satisfy the SDK's credential chain. */
export const EMULATOR_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };

/** SDK client settings for the local emulator. */
export function awsClientConfig(endpoint: string) {
  return {
    region: REGION,
    endpoint,
    credentials: { accessKeyId: EMULATOR_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: EMULATOR_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
  };
}
