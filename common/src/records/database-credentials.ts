import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Signer } from '@aws-sdk/rds-signer';
import { cachedFor } from './cached-for';

const SECRET_CACHE_MS = 5 * 60_000;
// IAM authentication tokens are valid for 15 minutes; a new connection gets one well inside that.
const IAM_TOKEN_CACHE_MS = 10 * 60_000;

export interface DatabaseCredentialsConfig {
  AWS_REGION: string;
  AWS_ENDPOINT_URL?: string | undefined;
  DATABASE_SECRET_ARN?: string | undefined;
  DATABASE_AUTH?: 'password' | 'iam' | undefined;
  PGHOST: string;
  PGPORT: number;
  PGUSER: string;
}

/**
 * Supplies the database password per new connection, so credentials that rotate reach new
 * connections without a restart:
 * - `DATABASE_AUTH=iam`: an RDS IAM authentication token for PGUSER at PGHOST:PGPORT, signed with
 *   the process's AWS credentials (IRSA in EKS, the execution role in Lambda);
 * - `DATABASE_SECRET_ARN`: the password of a Secrets Manager secret (the JSON `{username,
 *   password}` that RDS manages and rotates), re-read every five minutes.
 * Undefined when neither is configured (PGPASSWORD or the URL's password is used as is).
 */
export function databasePasswordProvider(config: DatabaseCredentialsConfig): (() => Promise<string>) | undefined {
  if (config.DATABASE_AUTH === 'iam') {
    const signer = new Signer({ region: config.AWS_REGION, hostname: config.PGHOST, port: config.PGPORT, username: config.PGUSER });
    return cachedFor(IAM_TOKEN_CACHE_MS, () => signer.getAuthToken());
  }
  const secretArn = config.DATABASE_SECRET_ARN;
  if (!secretArn) return undefined;
  const client = new SecretsManagerClient({ region: config.AWS_REGION, ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}) });
  return cachedFor(SECRET_CACHE_MS, async () => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const password = (JSON.parse(SecretString ?? '{}') as { password?: string }).password;
    if (!password) throw new Error(`secret ${secretArn} has no password field`);
    return password;
  });
}
