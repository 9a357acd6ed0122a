import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { RequestSigner } from './sign-request';

describe('RequestSigner', () => {
  // The worked example of the AWS Signature Version 4 documentation (IAM ListUsers).
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
  const request = {
    method: 'GET',
    host: 'iam.amazonaws.com',
    path: '/',
    query: 'Action=ListUsers&Version=2010-05-08',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: '',
  };
  const at = new Date('2015-08-30T12:36:00Z');

  it('When a request is signed, then the signature is the one AWS documents for it', () => {
    const headers = new RequestSigner('us-east-1', 'iam').sign(request, credentials, at);
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    );
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
  });

  it('When credentials carry a session token, then it is sent and signed', () => {
    const headers = new RequestSigner('us-east-1', 'iam').sign(request, { ...credentials, sessionToken: 'token' }, at);
    expect(headers['x-amz-security-token']).toBe('token');
    expect(headers.authorization).toContain('SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,');
  });

  it('When the day or the secret changes, then the signing key follows', () => {
    const signer = new RequestSigner('us-east-1', 'iam');
    const first = signer.sign(request, credentials, at).authorization;
    expect(signer.sign(request, credentials, new Date('2015-08-31T12:36:00Z')).authorization).not.toBe(first);
    expect(signer.sign(request, { ...credentials, secretAccessKey: 'other' }, at).authorization).not.toBe(first);
    expect(signer.sign(request, credentials, at).authorization).toBe(first);
  });
});

describe('RequestSigner against the AWS SDK\'s own signer', () => {
  const unreserved = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/);
  const headerValue = fc.stringMatching(/^[!-~]([ !-~]{0,30}[!-~])?$/);
  const request = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
    host: fc.constantFrom('sqs.eu-west-1.amazonaws.com', '127.0.0.1:4566', 'localhost'),
    // A path as new URL() leaves it: no '.' or '..' segments.
    segments: fc.array(unreserved.filter((segment) => !/^\.+$/.test(segment)), { maxLength: 4 }),
    // The SDK drops a parameter named __proto__; our signer is given its query already canonical.
    query: fc.dictionary(unreserved.filter((key) => key !== '__proto__'), unreserved, { maxKeys: 4, noNullPrototype: true }),
    headers: fc.dictionary(unreserved.map((name) => `x-test-${name.toLowerCase()}`), headerValue, { maxKeys: 4 }),
    body: fc.string({ unit: 'grapheme', maxLength: 200 }),
    region: fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2'),
    accessKeyId: unreserved,
    secretAccessKey: fc.string({ minLength: 1, maxLength: 40 }),
    sessionToken: fc.option(unreserved, { nil: undefined }),
    at: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
  });

  it('When any request is signed, then the signed headers are exactly those @smithy/signature-v4 computes', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const path = `/${r.segments.join('/')}`;
        const credentials = { accessKeyId: r.accessKeyId, secretAccessKey: r.secretAccessKey, ...(r.sessionToken ? { sessionToken: r.sessionToken } : {}) };
        const query = Object.keys(r.query)
          .sort()
          .map((key) => `${key}=${r.query[key]}`)
          .join('&');
        const ours = new RequestSigner(r.region, 'sqs').sign({ method: r.method, host: r.host, path, query, headers: r.headers, body: r.body }, credentials, r.at);
        const sdk = await new SignatureV4({ service: 'sqs', region: r.region, credentials, sha256: Sha256, applyChecksum: false }).sign(
          { method: r.method, protocol: 'https:', hostname: r.host, path, query: r.query, headers: { ...r.headers, host: r.host }, body: r.body },
          { signingDate: r.at },
        );
        expect(ours).toEqual(sdk.headers);
      }),
      { numRuns: 300 },
    );
  });
});
