import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, 'env-values.mjs');
const copy = mkdtempSync(join(tmpdir(), 'gitops-'));
cpSync(join(here, '..', '..', 'argocd', 'environments'), copy, { recursive: true });
after(() => rmSync(copy, { recursive: true, force: true }));
const run = (...args) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, GITOPS_ROOT: copy } });

test('When the pipeline sets a tag, then both apps of that environment get it and every comment stays', () => {
  const before = readFileSync(join(copy, 'dev', 'publisher.yaml'), 'utf8');
  const result = run('set-image-tag', 'dev', '0123456789ab');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim().split('\n').length, 2);
  for (const app of ['publisher', 'subscriber']) assert.equal(run('get', 'dev', app, 'image.tag').stdout.trim(), '0123456789ab');
  const after = readFileSync(join(copy, 'dev', 'publisher.yaml'), 'utf8');
  assert.deepEqual(after.split('\n').filter((l) => l.trim().startsWith('#')), before.split('\n').filter((l) => l.trim().startsWith('#')));
  assert.equal(after.replace(/tag: .*/, ''), before.replace(/tag: .*/, ''));
  assert.equal(run('get', 'prod', 'publisher', 'image.tag').stdout.trim(), '0.1.0', 'prod is untouched');
});

test('When the commit hash is all digits, then the tag stays a string for Helm', () => {
  assert.equal(run('set-image-tag', 'dev', '123456789012').status, 0);
  assert.match(readFileSync(join(copy, 'dev', 'publisher.yaml'), 'utf8'), /tag: "123456789012"/);
});

test('When the tag is already set, then nothing is written', () => {
  run('set-image-tag', 'prod', 'abc123');
  const again = run('set-image-tag', 'prod', 'abc123');
  assert.equal(again.status, 0);
  assert.equal(again.stdout, '');
});

test('When the tag is latest or malformed, then it refuses and changes nothing', () => {
  for (const tag of ['latest', '', 'a b', '-x']) {
    const result = run('set-image-tag', 'dev', tag);
    assert.notEqual(result.status, 0, tag);
  }
});

test('When asked for a nested value, then it prints it; for a missing one, it fails', () => {
  assert.equal(run('get', 'prod', 'publisher', 'ingress.hosts.0.host').stdout.trim(), 'ingest.example.com');
  assert.equal(run('get', 'dev', 'publisher', 'no.such.key').status, 1);
  assert.equal(execFileSync(process.execPath, [cli, 'get', 'dev', 'subscriber', 'image.repository'], { encoding: 'utf8', env: { ...process.env, GITOPS_ROOT: copy } }).trim(),
    '111111111111.dkr.ecr.eu-west-1.amazonaws.com/pubsub-ingest-dev/subscriber');
});

test("When Terraform's helm_values are applied, then its values replace the file's and the rest stays", () => {
  const outputs = join(copy, 'helm_values.json');
  writeFileSync(outputs, JSON.stringify({
    publisher: { config: { awsRegion: 'us-east-1' }, networkPolicy: { egress: { database: { cidrs: ['10.9.0.0/18'] } } } },
    subscriber: { config: { queueUrl: 'https://sqs.us-east-1.amazonaws.com/111111111111/q' } },
  }));
  const before = readFileSync(join(copy, 'dev', 'publisher.yaml'), 'utf8');
  const result = run('apply-terraform', 'dev', outputs);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(run('get', 'dev', 'publisher', 'config.awsRegion').stdout.trim(), 'us-east-1');
  assert.equal(run('get', 'dev', 'publisher', 'networkPolicy.egress.database.cidrs.0').stdout.trim(), '10.9.0.0/18');
  assert.equal(run('get', 'dev', 'subscriber', 'config.queueUrl').stdout.trim(), 'https://sqs.us-east-1.amazonaws.com/111111111111/q');
  const after = readFileSync(join(copy, 'dev', 'publisher.yaml'), 'utf8');
  assert.equal(run('get', 'dev', 'publisher', 'ingress.hosts.0.host').stdout.trim(), 'ingest.dev.example.com', 'values Terraform does not know stay');
  assert.deepEqual(after.split('\n').filter((l) => l.trim().startsWith('#')), before.split('\n').filter((l) => l.trim().startsWith('#')));
  assert.equal(run('apply-terraform', 'dev', outputs).stdout, '', 'a second run writes nothing');
});

test('When the outputs lack an app, then it refuses', () => {
  const outputs = join(copy, 'partial.json');
  writeFileSync(outputs, JSON.stringify({ publisher: {} }));
  const result = run('apply-terraform', 'dev', outputs);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /no subscriber object/);
});
