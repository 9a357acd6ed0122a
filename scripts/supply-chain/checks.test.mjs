// The lockfile, install-command, SBOM and licence checks of check.sh, each shown to fail on a bad input.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkLicences, licenceOf } from './licences.mjs';
import { incompleteEntries, resolvingInstalls } from './lockfile.mjs';
import { notProduction, schemaErrors } from './sbom.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const read = (path) => readFileSync(join(repo, path), 'utf8');
const lockfileLint = join(repo, 'node_modules', '.bin', 'lockfile-lint');
const LINT_ARGS = ['--type', 'npm', '--validate-https', '--allowed-hosts', 'npm', '--validate-integrity', '--validate-package-names', '--empty-hostname', 'false', '--format', 'plain'];

test('When a lockfile resolves over http, from another host or with a sha1 hash, then lockfile-lint fails on each', () => {
  const r = spawnSync(lockfileLint, ['--path', join(here, 'fixtures', 'lockfile', 'insecure-lock.json'), ...LINT_ARGS], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const out = r.stdout + r.stderr;
  assert.match(out, /invalid protocol for package: left-pad/);
  assert.match(out, /invalid host\(s\) for package: is-odd[\s\S]*actual: mirror\.example\.com/);
  assert.match(out, /invalid integrity hash type for package: is-odd/);
});

test('When a lockfile entry has no integrity, then the completeness check fails naming it', () => {
  const problems = incompleteEntries(JSON.parse(readFileSync(join(here, 'fixtures', 'lockfile', 'insecure-lock.json'), 'utf8')));
  assert.deepEqual(problems, ['node_modules/is-odd: integrity is not sha512 (sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA=)', 'node_modules/ms: no integrity hash']);
  assert.match(incompleteEntries({ lockfileVersion: 1, dependencies: {} })[0], /lockfileVersion 1/);
});

test('When the repository lockfiles are checked, then every package has a sha512 integrity', () => {
  for (const lock of ['package-lock.json', 'scripts/jenkinsfile/lint-tools/package-lock.json']) {
    const parsed = JSON.parse(read(lock));
    assert.ok(Object.keys(parsed.packages).length > 50, lock);
    assert.deepEqual(incompleteEntries(parsed), [], lock);
  }
});

test('When a build file resolves versions anew, then the install check fails naming the line', () => {
  for (const line of ['RUN npm install', 'sh "npm i --omit=dev"', 'npm --prefix x install foo', 'npm update', 'npx -y some-tool', 'yarn add left-pad', 'RUN pnpm install']) {
    assert.equal(resolvingInstalls(`npm ci\n${line}\n`).length, 1, line);
  }
  assert.match(resolvingInstalls('npm run build\n')[0], /no `npm ci`/);
  for (const line of ['npm ci --omit=dev --workspace publisher', 'npm run build:lambda', 'npx tsc -b', 'npm install-scripts ls', 'rm -rf /usr/local/bin/yarn /opt/yarn-*']) {
    assert.deepEqual(resolvingInstalls(`npm ci\n${line}\n`), [], line);
  }
});

test('When .ci/run, the Dockerfiles and the Jenkinsfile are read, then they install only with npm ci', () => {
  for (const file of ['.ci/run', 'Dockerfile', 'Jenkinsfile']) assert.deepEqual(resolvingInstalls(read(file)), [], file);
  assert.deepEqual(resolvingInstalls(read('ci/toolbox.Dockerfile'), { mustInstall: false }), []);
});

const bom = (...components) => ({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components });
const lib = (name, licenses, version = '1.0.0') => ({ type: 'library', name, version, ...(licenses ? { licenses } : {}) });
const id = (spdx) => [{ license: { id: spdx } }];
const allowList = { allowed: ['MIT', 'Apache-2.0'], exceptions: [] };

test('When a component carries a licence outside the allow-list, then the check fails naming package and licence', () => {
  const { failures, counts } = checkLicences([{ name: 'image', bom: bom(lib('ok', id('MIT')), lib('copyleft', id('GPL-3.0-only'))) }], allowList);
  assert.deepEqual(failures, ['image: copyleft@1.0.0 is licensed GPL-3.0-only, which the allow-list does not allow']);
  assert.deepEqual([...counts], [['MIT', 1], ['GPL-3.0-only', 1]]);
});

test('When a licence is an expression, then OR needs one allowed choice and AND needs all', () => {
  const either = lib('either', [{ expression: 'MIT OR GPL-3.0-only' }]);
  const both = lib('both', [{ expression: 'MIT AND GPL-3.0-only' }]);
  const { failures } = checkLicences([{ name: 'zip', bom: bom(either, both) }], allowList);
  assert.deepEqual(failures, ['zip: both@1.0.0 is licensed MIT AND GPL-3.0-only, which the allow-list does not allow']);
  assert.equal(licenceOf(lib('two', [{ license: { id: 'MIT' } }, { license: { name: 'Custom' } }])), '(MIT) AND (Custom)');
});

test('When a component has no licence or a non-SPDX one, then only a matching exception lets it through', () => {
  const components = [lib('unlicensed'), lib('custom', [{ license: { name: 'SEE LICENSE IN LICENSE.txt' } }])];
  assert.equal(checkLicences([{ name: 'image', bom: bom(...components) }], allowList).failures.length, 2);
  const excepted = { ...allowList, exceptions: [{ package: 'unlicensed', licence: 'NONE', reason: 'reviewed' }, { package: 'custom', licence: 'SEE LICENSE IN LICENSE.txt', reason: 'reviewed' }] };
  assert.deepEqual(checkLicences([{ name: 'image', bom: bom(...components) }], excepted).failures, []);
  const changed = bom(lib('custom', id('GPL-3.0-only')), lib('unlicensed'));
  assert.deepEqual(checkLicences([{ name: 'image', bom: changed }], excepted).failures, [
    'image: custom@1.0.0 is licensed GPL-3.0-only, which the allow-list does not allow',
    'exception for custom (SEE LICENSE IN LICENSE.txt) matches no component any more: remove it',
  ]);
});

test('When the repository allow-list is read, then it holds SPDX ids only and every exception has a reason', () => {
  const list = JSON.parse(read('scripts/supply-chain/licence-allow-list.json'));
  assert.ok(list.allowed.length >= 5);
  for (const spdx of list.allowed) assert.ok(licenceOf(lib('x', id(spdx))) === spdx && checkLicences([{ name: 'x', bom: bom(lib('x', id(spdx))) }], list).failures.every((f) => !f.includes('x@')), spdx);
  assert.ok(!list.allowed.some((l) => /GPL|AGPL|SSPL|BUSL|CC-BY-NC/.test(l)), 'copyleft or non-commercial licences are not allowed wholesale');
  for (const e of list.exceptions) assert.ok(e.package && e.reason && e.licence, JSON.stringify(e));
});

test('When an SBOM breaks the CycloneDX schema, then the validator reports it', async () => {
  assert.equal(await schemaErrors(JSON.stringify(bom(lib('ok', id('MIT'))))), null);
  assert.notEqual(await schemaErrors(JSON.stringify(bom({ type: 'not-a-type', name: 'x' }))), null);
  assert.match(await schemaErrors(JSON.stringify({ bomFormat: 'SPDX', specVersion: '2.3' })), /not a CycloneDX document/);
});

test('When an SBOM lists a dev dependency or an unknown version, then the production check names it', () => {
  const lock = JSON.parse(read('package-lock.json'));
  const scoped = { ...lib('koa', id('MIT'), lock.packages['node_modules/koa'].version) };
  assert.deepEqual(notProduction(bom(scoped), lock), []);
  assert.deepEqual(notProduction(bom(lib('jest', id('MIT'), lock.packages['node_modules/jest'].version), lib('koa', id('MIT'), '0.0.1')), lock),
    [`jest@${lock.packages['node_modules/jest'].version}`, 'koa@0.0.1']);
});
