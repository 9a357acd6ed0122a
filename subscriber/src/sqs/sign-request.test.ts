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
