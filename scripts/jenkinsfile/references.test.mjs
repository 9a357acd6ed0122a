// Everything the Jenkinsfile names must exist in the repository, so the pipeline cannot drift from
// it: npm scripts, files and directories, pod templates and their containers, the values the
// GitOps step reads, the reports JUnit collects, and the credentials docs/deploy.md documents.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (path) => readFileSync(join(repo, path), 'utf8');
// Comment lines say what the code does; only the code names things.
const code = read('Jenkinsfile').split('\n').filter((l) => !l.trim().startsWith('//')).join('\n');
const all = (re) => [...code.matchAll(re)].map((m) => m[1]);

const environments = [...read('Jenkinsfile').matchAll(/^ {4}(\w+)\s*: \[$/gm)].map((m) => m[1]);
const services = ['publisher', 'subscriber'];
const expand = (text) => {
  let variants = [text];
  for (const [placeholder, values] of [['${envName}', environments], ['${service}', services]]) {
    variants = variants.flatMap((v) => (v.includes(placeholder) ? values.map((x) => v.replaceAll(placeholder, x)) : [v]));
  }
  return variants;
};

// Paths the pipeline itself produces, each with what produces it.
const GENERATED = [
  { re: /^reports\//, producedBy: 'the test and build steps (REPORTS_DIR)' },
  { re: /^subscriber\/dist\/lambda\.(?:zip|cdx\.json)$/, producedBy: 'npm run build:lambda' },
];

describe('Jenkinsfile references', () => {
  test('it defines the environments the repository has', () => {
    assert.deepEqual(environments, ['dev', 'prod']);
    for (const e of environments) {
      assert.ok(existsSync(join(repo, 'terraform', 'envs', e)), `terraform/envs/${e}`);
      assert.ok(existsSync(join(repo, 'argocd', 'environments', e)), `argocd/environments/${e}`);
      assert.ok(existsSync(join(repo, 'argocd', 'roots', `${e}.yaml`)), `argocd/roots/${e}.yaml`);
    }
  });

  test('every stage the release needs is there, in order', () => {
    const expected = ['Install', 'Lint and typecheck', 'Tests', 'Delivery checks', 'Charts', 'Observability', 'Terraform', 'Argo CD', 'Pipeline', 'Images',
      'Supply chain', 'Vulnerability audit', 'Release', 'Build and push images', 'Lambda package', 'Deploy dev', 'Approve prod', 'Deploy prod',
      '${envName}: tofu plan', '${envName}: approve infrastructure', '${envName}: tofu apply', '${envName}: GitOps bump',
      '${envName}: Argo CD synced and healthy', '${envName}: smoke test'];
    assert.deepEqual(all(/stage\(["']([^"']+)["']\)/g), expected);
  });

  test('every npm script it runs exists', () => {
    const scripts = JSON.parse(read('package.json')).scripts;
    const named = all(/npm run ([\w:-]+)/g);
    assert.ok(named.length >= 6);
    for (const name of named) assert.ok(scripts[name], `npm run ${name}`);
    assert.ok(scripts.test && code.includes("'npm test'"));
  });

  test('every file and directory it names exists, or is produced by an earlier step', () => {
    const paths = all(/(?<![\w./$-])((?:ci|scripts|argocd|helm-charts|terraform|subscriber|publisher|common|docs|reports)\/[\w.*${}/-]*[\w*}])/g);
    paths.push(...all(/\b(tsconfig[\w.]*\.json)\b/g));
    assert.ok(paths.length >= 10, `only ${paths.length} paths found`);
    for (const path of paths.flatMap(expand)) {
      const generated = GENERATED.find((g) => g.re.test(path));
      if (generated) continue;
      assert.ok(existsSync(join(repo, path)), `${path} does not exist`);
    }
    assert.match(read('subscriber/scripts/build-lambda.mjs'), /'lambda\.zip'/);
    assert.match(read('subscriber/scripts/build-lambda.mjs'), /'lambda\.cdx\.json'/);
  });

  test('the pod templates exist, pin every image, and have every container a stage uses', () => {
    const pods = Object.fromEntries(all(/yamlFile '([^']+)'/g).map((f) => [f, parse(read(f))]));
    assert.deepEqual(Object.keys(pods).sort(), ['ci/jenkins/agent-pod.yaml', 'ci/jenkins/image-test-pod.yaml']);
    for (const [file, pod] of Object.entries(pods)) {
      assert.equal(pod.kind, 'Pod', file);
      for (const c of pod.spec.containers) assert.match(c.image, /:[\w][\w.-]*$/, `${file}: ${c.name} image ${c.image} is not pinned`);
      assert.ok(pod.spec.containers.every((c) => !/:latest$/.test(c.image)));
    }
    const main = pods['ci/jenkins/agent-pod.yaml'].spec.containers.map((c) => c.name);
    for (const name of [...all(/container\('([\w-]+)'\)/g), ...all(/defaultContainer '([\w-]+)'/g)]) assert.ok(main.includes(name), `container ${name}`);
    // Only the image test's own pod may be privileged.
    assert.ok(pods['ci/jenkins/agent-pod.yaml'].spec.containers.every((c) => !c.securityContext?.privileged));
  });

  test('the toolbox image carries every tool the stages run in it', () => {
    const dockerfile = read('ci/toolbox.Dockerfile');
    for (const tool of ['golang:1.26', 'node:24', 'npm', 'python3', 'openjdk-17', 'git', 'podman', 'runc', 'slirp4netns', 'debootstrap']) {
      assert.ok(dockerfile.includes(tool), `ci/toolbox.Dockerfile lacks ${tool}`);
    }
    assert.match(dockerfile, new RegExp(`node:${readFileSync(join(repo, 'scripts', 'use-node.sh'), 'utf8').match(/version=([0-9.]+)/)[1].replaceAll('.', '\\.')}-`));
  });

  test('every value the pipeline reads from the GitOps files is there', () => {
    const reads = all(/env-values\.mjs get ([^"]+)"/g);
    assert.ok(reads.length >= 2);
    for (const args of reads.flatMap(expand)) {
      const result = spawnSync(process.execPath, [join(repo, 'scripts', 'gitops', 'env-values.mjs'), 'get', ...args.split(' ')], { encoding: 'utf8' });
      assert.equal(result.status, 0, `env-values.mjs get ${args}: ${result.stderr}`);
    }
  });

  test('the GitOps commits it skips are the ones scripts/gitops/push.sh makes', () => {
    const skip = new RegExp(all(/changelog '([^']+)'/g)[0]);
    const message = read('scripts/gitops/push.sh').match(/-m "([^"]+)"/)[1].replaceAll('$env_name', 'dev').replaceAll('$tag', '0123456789ab');
    assert.match(message, skip);
    assert.doesNotMatch('Images for publisher and subscriber', skip);
  });

  test('every JUnit report it collects is written by the step before it', () => {
    const producers = {
      'reports/junit.xml': ['jest.config.js', 'jest-junit'],
      'reports/argocd.junit.xml': ['scripts/argocd/check.sh', 'argocd.junit.xml'],
      'reports/pipeline.junit.xml': ['scripts/jenkinsfile/check.sh', 'pipeline.junit.xml'],
      'reports/images.junit.xml': ['scripts/images/test.sh', 'images.junit.xml'],
      'reports/supply-chain.junit.xml': ['scripts/supply-chain/check.sh', 'supply-chain.junit.xml'],
    };
    const collected = all(/junit testResults: '([^']+)'/g);
    assert.deepEqual(collected.sort(), Object.keys(producers).sort());
    for (const [report, [file, mark]] of Object.entries(producers)) assert.ok(read(file).includes(mark), `${report}: ${file} does not write it`);
  });

  test('the vulnerability audit gates the release on the production tree, through audit-gate.mjs', () => {
    const steps = all(/sh '([^']+)'/g);
    const audit = steps.findIndex((c) => /\bnpm audit\b/.test(c));
    assert.ok(audit >= 0, 'no npm audit step');
    assert.match(steps[audit], /npm audit --omit=dev --audit-level=high --json > reports\/npm-audit\.json/);
    assert.equal(steps[audit + 1], 'node scripts/supply-chain/audit-gate.mjs reports/npm-audit.json', 'the gate reads the report next');
    assert.doesNotMatch(steps[audit + 1], /\|\||; *true/, 'the gate itself may not be ignored');
    const stages = all(/stage\(["']([^"']+)["']\)/g);
    assert.ok(stages.indexOf('Vulnerability audit') < stages.indexOf('Release'), 'the audit runs before the release');
    assert.ok(stages.indexOf('Supply chain') < stages.indexOf('Release'));
    assert.ok(code.includes("sh 'npm run test:supply-chain'"));
  });

  test('credentials come only from Jenkins credentials, each documented in docs/deploy.md', () => {
    const ids = [...all(/credentialsId: ["']([^"']+)["']/g), ...all(/(?:Credentials|credentials) = "([^"]+)"/g)].flatMap(expand);
    assert.ok(ids.length >= 5);
    const docs = read('docs/deploy.md');
    for (const id of ids) assert.ok(docs.includes(id), `credential ${id} is not documented in docs/deploy.md`);
    assert.doesNotMatch(code, /AKIA[0-9A-Z]{16}|aws_secret_access_key|password\s*[:=]/i);
  });
});
