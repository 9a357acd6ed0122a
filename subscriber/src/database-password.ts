import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const CACHE_MS = 5 * 60_000;

/**
 * Reads the database password from a Secrets Manager secret (the JSON `{username, password}` that
 * RDS manages), cached for five minutes so rotation is picked up by new connections.
 */
export function secretPasswordProvider(secretArn: string, region: string, endpoint?: string): () => Promise<string> {
  const client = new SecretsManagerClient({ region, ...(endpoint ? { endpoint } : {}) });
  let cached: { value: string; until: number } | undefined;
  return async () => {
    if (cached && cached.until > Date.now()) return cached.value;
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const password = (JSON.parse(SecretString ?? '{}') as { password?: string }).password;
    if (!password) throw new Error(`secret ${secretArn} has no password field`);
    cached = { value: password, until: Date.now() + CACHE_MS };
    return password;
  };
}
