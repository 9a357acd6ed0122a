// scripts/gitops/push.sh against a real bare repository standing in for the one Argo CD follows.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'gitops-push-'));
const origin = join(dir, 'origin.git');
const work = join(dir, 'work');
const git = (cwd, ...args) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', ...args], { cwd, encoding: 'utf8' }).trim();
const push = (...args) => spawnSync('bash', [join(work, 'scripts', 'gitops', 'push.sh'), ...args], { cwd: work, encoding: 'utf8' });

before(() => {
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', origin]);
  mkdirSync(join(work, 'scripts'), { recursive: true });
  cpSync(join(repo, 'scripts', 'gitops'), join(work, 'scripts', 'gitops'), { recursive: true });
  cpSync(join(repo, 'argocd', 'environments'), join(work, 'argocd', 'environments'), { recursive: true });
  symlinkSync(join(repo, 'node_modules'), join(work, 'node_modules'));
  writeFileSync(join(work, '.gitignore'), 'node_modules\n');
  git(work, 'init', '--quiet', '--initial-branch=main');
  git(work, 'add', '.');
  git(work, 'commit', '--quiet', '-m', 'start');
  git(work, 'remote', 'add', 'origin', origin);
  git(work, 'push', '--quiet', 'origin', 'main');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('When main moved since the checkout, then the bump is rebased onto it and pushed', () => {
  const other = join(dir, 'other');
  execFileSync('git', ['clone', '--quiet', origin, other]);
  writeFileSync(join(other, 'NOTES'), 'someone else pushed\n');
  git(other, 'add', 'NOTES');
  git(other, 'commit', '--quiet', '-m', 'meanwhile');
  git(other, 'push', '--quiet', 'origin', 'main');

  const result = push('dev', '0123456789ab');
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(git(origin, 'log', '--format=%s', 'main').split('\n'), ['gitops: dev images 0123456789ab', 'meanwhile', 'start']);
  assert.deepEqual(git(origin, 'show', '--name-only', '--format=', 'main').split('\n').sort(),
    ['argocd/environments/dev/publisher.yaml', 'argocd/environments/dev/subscriber.yaml']);
  assert.match(git(origin, 'show', 'main:argocd/environments/dev/subscriber.yaml'), /tag: "?0123456789ab"?/);
  assert.match(readFileSync(join(repo, 'argocd', 'environments', 'dev', 'subscriber.yaml'), 'utf8'), /tag: "0\.1\.0"/, 'the real repository is untouched');
});

test('When the environment already runs that tag, then nothing is committed', () => {
  const before = git(origin, 'rev-parse', 'main');
  const result = push('dev', '0123456789ab');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /already at 0123456789ab/);
  assert.equal(git(origin, 'rev-parse', 'main'), before);
});
