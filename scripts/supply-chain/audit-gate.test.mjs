// The audit gate on npm audit reports of the npm 11 format (fixtures/audit/), without the advisory service.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { advisories } from './audit-gate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name) => join(here, 'fixtures', 'audit', name);
const scratch = mkdtempSync(join(tmpdir(), 'audit-gate-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const noExceptions = join(scratch, 'none.json');
writeFileSync(noExceptions, JSON.stringify({ exceptions: [] }));
const gate = (report, exceptions = noExceptions, today = '2026-12-03') =>
  spawnSync(process.execPath, [join(here, 'audit-gate.mjs'), fixture(report), '--exceptions', exceptions, '--today', today], { encoding: 'utf8' });

test('When the report has no advisory, then the gate passes', () => {
  const r = gate('clean.json');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /audit gate: 0 advisories, 0 high or critical/);
  assert.match(r.stdout, /audit gate: pass$/m);
});

test('When a high advisory is not excepted, then the gate fails naming it', () => {
  const r = gate('high.json');
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stdout, /FAIL {2}high advisory GHSA-9wv6-86v2-598j in path-to-regexp is not excepted/);
  assert.match(r.stdout, /1 high or critical \(0 excepted\)/, 'the advisory counts once, not once per package it reaches');
});

test('When a critical advisory comes with a moderate one, then the critical one fails and the moderate one only shows', () => {
  const r = gate('critical-and-moderate.json');
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stdout, /critical advisory GHSA-fjxv-7rqg-78g4 in form-data is not excepted/);
  assert.match(r.stdout, /not gating {2}moderate .*GHSA-c2qf-rxjj-qqgw/);
  assert.doesNotMatch(r.stdout, /GHSA-c2qf-rxjj-qqgw in semver is not excepted/);
});

test('When the high advisory is excepted and the exception holds, then the gate passes', () => {
  const r = gate('high.json', fixture('exceptions-path-to-regexp.json'), '2027-01-31');
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /excepted {4}high .*GHSA-9wv6-86v2-598j.*until 2027-01-31/);
  assert.match(r.stdout, /1 high or critical \(1 excepted\)/);
});

test('When the exception has expired, then the gate fails even though it names the advisory', () => {
  const r = gate('high.json', fixture('exceptions-path-to-regexp.json'), '2027-02-01');
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stdout, /FAIL {2}exception GHSA-9wv6-86v2-598j \(path-to-regexp\) expired on 2027-01-31/);
});

test('When an expired exception is left in the list, then the gate fails on a clean report too', () => {
  const r = gate('clean.json', fixture('exceptions-path-to-regexp.json'), '2027-06-01');
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stdout, /expired on 2027-01-31/);
});

test('When an exception has no reason, then the gate fails', () => {
  const r = gate('high.json', fixture('exceptions-incomplete.json'));
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stdout, /exception GHSA-9wv6-86v2-598j \(path-to-regexp\) has no reason/);
});

test('When an exception names another package, then it does not except the advisory', () => {
  const other = join(scratch, 'other.json');
  writeFileSync(other, JSON.stringify({ exceptions: [{ id: 'GHSA-9wv6-86v2-598j', url: 'https://github.com/advisories/GHSA-9wv6-86v2-598j', package: 'koa', reason: 'wrong package', expires: '2027-01-31' }] }));
  const r = gate('high.json', other);
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stdout, /GHSA-9wv6-86v2-598j in path-to-regexp is not excepted/);
});

test('When only moderate advisories are reported, then the gate passes and lists them', () => {
  const r = gate('moderate.json');
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /not gating {2}moderate +semver .*GHSA-c2qf-rxjj-qqgw/);
  assert.match(r.stdout, /1 advisories, 0 high or critical \(0 excepted\), 1 below high/);
});

test('When npm audit itself failed, then the gate fails instead of passing an empty report', () => {
  const r = gate('error.json');
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stdout, /npm audit failed: .*does not support audit requests/);
  const empty = join(scratch, 'empty.json');
  writeFileSync(empty, '');
  const e = spawnSync(process.execPath, [join(here, 'audit-gate.mjs'), empty, '--exceptions', noExceptions], { encoding: 'utf8' });
  assert.equal(e.status, 1, e.stdout);
  assert.match(e.stdout, /is not an npm audit --json report/);
});

test('When advisories reach several packages, then each advisory is listed once with its package', () => {
  const list = advisories(JSON.parse(readFileSync(fixture('high.json'), 'utf8')));
  assert.deepEqual(list.map((a) => [a.id, a.package, a.severity]), [['GHSA-9wv6-86v2-598j', 'path-to-regexp', 'high']]);
});

test('When the repository exception list is read, then every entry is complete and unexpired today', () => {
  const r = spawnSync(process.execPath, [join(here, 'audit-gate.mjs'), fixture('clean.json')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout);
});
