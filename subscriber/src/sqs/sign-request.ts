import { createHmac, hash } from 'node:crypto';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface RequestToSign {
  method: string;
  host: string;
  /** The URI path, already in canonical (encoded) form. */
  path: string;
  /** The query string, already in canonical form (sorted, encoded); empty when there is none. */
  query?: string;
  /** Headers to sign besides `host`, `x-amz-date` and `x-amz-security-token`, lower-case names. */
  headers: Record<string, string>;
  body: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * AWS Signature Version 4 for one service in one region. The signing key changes once a day, so it
 * is derived once per day and credentials; a request then costs two SHA-256 and one HMAC.
 */
export class RequestSigner {
  private key: { date: string; secret: string; value: Buffer } | undefined;

  constructor(
    private readonly region: string,
    private readonly service: string,
  ) {}

  /** The headers to send: the given ones, `host`, `x-amz-date`, the session token when there is one, and `authorization`. */
  sign(request: RequestToSign, credentials: AwsCredentials, now = new Date()): Record<string, string> {
    const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, '');
    const date = amzDate.slice(0, 8);
    const headers: Record<string, string> = { ...request.headers, host: request.host, 'x-amz-date': amzDate };
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
    const names = Object.keys(headers).sort();
    const signedHeaders = names.join(';');
    const canonicalRequest = [
      request.method,
      request.path,
      request.query ?? '',
      // SigV4 canonical form: values trimmed, runs of spaces inside them collapsed to one.
      names.map((name) => `${name}:${headers[name]!.trim().replace(/\s+/g, ' ')}\n`).join(''),
      signedHeaders,
      hash('sha256', request.body, 'hex'),
    ].join('\n');
    const scope = `${date}/${this.region}/${this.service}/aws4_request`;
    const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${hash('sha256', canonicalRequest, 'hex')}`;
    const signature = createHmac('sha256', this.signingKey(date, credentials.secretAccessKey)).update(stringToSign).digest('hex');
    headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }

  private signingKey(date: string, secret: string): Buffer {
    if (this.key?.date !== date || this.key.secret !== secret) {
      const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
      const value = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), this.region), this.service), 'aws4_request');
      this.key = { date, secret, value };
    }
    return this.key.value;
  }
}
