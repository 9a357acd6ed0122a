// Checks argocd/ offline: every manifest against the pinned Kubernetes and Argo CD CRD schemas,
// every child Application's chart rendered with its values files the way Argo CD renders it, and
// the rules the environments follow (project bounds, sync policy, waves, retries, autoscalers).
// Run by scripts/argocd/check.sh, which installs the tools and sets:
//   HELM_BIN, KUBECONFORM_BIN, CHART_SCHEMAS_DIR, K8S_SCHEMA_VERSIONS, PYYAML_DIR
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { isPlainObject, leaves } from '../gitops/env-values.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = (name) => process.env[name] ?? assert.fail(`environment variable ${name} not set (run scripts/argocd/check.sh)`);
const ENVIRONMENTS = ['dev', 'prod'];
const work = mkdtempSync(join(tmpdir(), 'argocd-check-'));
after(() => rmSync(work, { recursive: true, force: true }));

const parse = (text) => parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean);
const load = (path) => parse(readFileSync(join(repo, path), 'utf8'));
const yamlFiles = (dir) => readdirSync(join(repo, dir)).filter((f) => f.endsWith('.yaml')).map((f) => join(dir, f));

function helmTemplate(release, chartDir, namespace, valueFiles) {
  return execFileSync(env('HELM_BIN'), ['template', release, chartDir, '--namespace', namespace, '--kube-version', oldestKubernetes(), ...valueFiles.flatMap((f) => ['--values', f])], {
    encoding: 'utf8',
  });
}

function oldestKubernetes() {
  return env('K8S_SCHEMA_VERSIONS').split(' ')[0].replace(/^v/, '');
}

/** kubeconform -strict of `files` against each Kubernetes version and the CRD schemas; throws on any finding. */
function kubeconform(files) {
  for (const version of env('K8S_SCHEMA_VERSIONS').split(' ')) {
    const schemas = env('CHART_SCHEMAS_DIR');
    const result = spawnSync(env('KUBECONFORM_BIN'), [
      '-strict', '-summary', '-output', 'text', '-kubernetes-version', version.replace(/^v/, ''),
      '-schema-location', `${schemas}/kubernetes/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json`,
      '-schema-location', `${schemas}/crds/{{.ResourceKind}}{{.KindSuffix}}.json`,
      ...files,
    ], { encoding: 'utf8' });
    const summary = /Summary: (\d+) resources? found .* Valid: (\d+), Invalid: (\d+), Errors: (\d+), Skipped: (\d+)/.exec(result.stdout);
    assert.ok(summary, `kubeconform printed no summary: ${result.stdout}${result.stderr}`);
    const [, found, valid] = summary.map(Number);
    assert.ok(result.status === 0 && found > 0 && valid === found, `kubeconform ${version}:\n${result.stdout}${result.stderr}`);
    console.log(`# kubeconform ${version}: ${summary[0]}`);
  }
}

const project = load('argocd/projects/pubsub-ingest.yaml')[0];
const roots = Object.fromEntries(ENVIRONMENTS.map((e) => [e, load(`argocd/roots/${e}.yaml`)[0]]));

/** The child Applications of an environment, rendered as Argo CD renders its root. */
function childrenOf(environment) {
  const root = roots[environment];
  const path = root.spec.source.path;
  const out = helmTemplate(root.spec.source.helm.releaseName, join(repo, path), root.spec.destination.namespace,
    root.spec.source.helm.valueFiles.map((f) => join(repo, path, f)));
  const file = join(work, `apps-${environment}.yaml`);
  writeFileSync(file, out);
  return { file, apps: parse(out) };
}
const children = Object.fromEntries(ENVIRONMENTS.map((e) => [e, childrenOf(e)]));

/** A child's chart rendered with its release name, namespace and value files, as Argo CD does. */
function renderChild(app) {
  const { path, helm } = app.spec.source;
  const valueFiles = helm.valueFiles.map((f) => normalize(join(repo, path, f)));
  for (const f of valueFiles) {
    assert.ok(existsSync(f), `${app.metadata.name}: value file ${relative(repo, f)} does not exist`);
    // Argo CD refuses value files outside the repository.
    assert.ok(!relative(repo, f).startsWith('..'), `${app.metadata.name}: ${f} is outside the repository`);
  }
  const file = join(work, `${app.metadata.name}.yaml`);
  writeFileSync(file, helmTemplate(helm.releaseName, join(repo, path), app.spec.destination.namespace, valueFiles));
  return { file, objects: parse(readFileSync(file, 'utf8')) };
}

/** Helm's merge of value files: objects merge key by key, anything else is replaced. */
const mergeValues = (base, over) => Object.fromEntries([...new Set([...Object.keys(base), ...Object.keys(over)])].map((k) => [k,
  isPlainObject(base[k]) && isPlainObject(over[k]) ? mergeValues(base[k], over[k]) : (k in over ? over[k] : base[k])]));

const wave = (app) => Number(app.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
const appNamed = (environment, name) => children[environment].apps.find((a) => a.metadata.name === `${environment}-${name}`) ?? assert.fail(`no Application ${environment}-${name}`);

describe('argocd/', () => {
  test('every manifest is valid against the Kubernetes and the pinned Argo CD CRD schemas', () => {
    const files = ['argocd/projects', 'argocd/roots', 'argocd/bootstrap'].flatMap(yamlFiles).map((f) => join(repo, f));
    kubeconform([...files, ...ENVIRONMENTS.map((e) => children[e].file)]);
  });

  for (const environment of ENVIRONMENTS) {
    test(`${environment}: the root and its children stay inside the project`, () => {
      const apps = [roots[environment], ...children[environment].apps];
      assert.ok(children[environment].apps.length >= 2);
      for (const app of apps) {
        assert.equal(app.kind, 'Application');
        assert.equal(app.metadata.namespace, 'argocd');
        assert.equal(app.spec.project, project.metadata.name, app.metadata.name);
        assert.ok(project.spec.sourceRepos.includes(app.spec.source.repoURL), `${app.metadata.name}: repository not in the project`);
        assert.ok(project.spec.destinations.some((d) => d.server === app.spec.destination.server && d.namespace === app.spec.destination.namespace),
          `${app.metadata.name}: destination not in the project`);
        assert.ok(existsSync(join(repo, app.spec.source.path, 'Chart.yaml')), `${app.metadata.name}: no chart at ${app.spec.source.path}`);
      }
    });

    for (const app of children[environment].apps) {
      test(`${app.metadata.name}: its chart renders with its values files; every object is valid, policy-clean and allowed by the project`, () => {
        const { file, objects } = renderChild(app);
        kubeconform([file]);
        const policy = spawnSync('python3', [join(repo, 'scripts', 'charts', 'policy-check.py'), file], {
          encoding: 'utf8', env: { ...process.env, PYTHONPATH: env('PYYAML_DIR') },
        });
        assert.equal(policy.status, 0, policy.stdout + policy.stderr);
        const allowed = [...project.spec.namespaceResourceWhitelist, ...project.spec.clusterResourceWhitelist];
        for (const o of objects) {
          const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
          assert.ok(allowed.some((a) => a.group === group && a.kind === o.kind), `${o.kind}.${group} ${o.metadata.name} is not allowed by the project`);
          assert.ok([undefined, app.spec.destination.namespace].includes(o.metadata.namespace), `${o.kind} ${o.metadata.name} in namespace ${o.metadata.namespace}`);
        }
        // Our own images come from the environment's registry, at an immutable tag.
        for (const o of objects.filter((x) => ['Deployment', 'Job'].includes(x.kind))) {
          for (const c of o.spec.template.spec.containers) {
            if (!/\/(publisher|subscriber)(:|@)/.test(c.image)) continue;
            assert.match(c.image, new RegExp(`^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com/pubsub-ingest-${environment}/`), c.image);
            assert.doesNotMatch(c.image, /:latest$/);
          }
        }
        // Replicas owned by an autoscaler are ignored in the diff and left alone by a sync.
        const autoscaled = objects.some((o) => o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ScaledObject');
        const ignoresReplicas = (app.spec.ignoreDifferences ?? []).some((d) => d.kind === 'Deployment' && d.group === 'apps' && d.jsonPointers?.includes('/spec/replicas'));
        assert.equal(ignoresReplicas, autoscaled, `${app.metadata.name}: ignoreDifferences of /spec/replicas`);
        if (autoscaled) assert.ok(app.spec.syncPolicy.syncOptions.includes('RespectIgnoreDifferences=true'));
      });
    }

    test(`${environment}: every Application retries with exponential backoff`, () => {
      for (const app of [roots[environment], ...children[environment].apps]) {
        const { retry } = app.spec.syncPolicy;
        assert.ok(retry.limit > 0 && retry.backoff.factor >= 2 && retry.backoff.duration && retry.backoff.maxDuration, app.metadata.name);
      }
    });
  }

  test('dev syncs by itself with prune and self-heal; prod children sync only when someone syncs them', () => {
    for (const app of children.dev.apps) assert.deepEqual(app.spec.syncPolicy.automated, { prune: true, selfHeal: true }, app.metadata.name);
    for (const app of children.prod.apps) assert.equal(app.spec.syncPolicy.automated, undefined, app.metadata.name);
  });

  test('sync waves: migration and publisher, then subscriber; a Citus database would be complete before both', () => {
    for (const environment of ENVIRONMENTS) {
      const migration = renderChild(appNamed(environment, 'publisher')).objects.find((o) => o.kind === 'Job' && o.metadata.labels?.['app.kubernetes.io/component'] === 'migration');
      assert.equal(migration?.metadata.annotations['argocd.argoproj.io/hook'], 'PreSync', `${environment}: the migration runs before the publisher rolls out`);
      assert.ok(wave(appNamed(environment, 'publisher')) < wave(appNamed(environment, 'subscriber')), `${environment}: publisher before subscriber`);
      assert.equal(children[environment].apps.some((a) => a.metadata.name === `${environment}-postgres-citus`), false, `${environment} uses RDS`);
    }
    // docs/deploy.md: a cluster without RDS adds postgres-citus at wave -1; its sync ends with
    // the worker registration, so the publisher's migration finds the workers.
    const citus = parse(helmTemplate('postgres-citus', join(repo, 'helm-charts', 'postgres-citus'), 'pubsub-ingest', []));
    const registration = citus.find((o) => o.kind === 'Job' && o.metadata.labels?.['app.kubernetes.io/component'] === 'registration');
    assert.equal(registration?.metadata.annotations['argocd.argoproj.io/hook'], 'PostSync', 'worker registration completes the database sync');
  });

  for (const environment of ENVIRONMENTS) {
    test(`${environment}: the load balancer checks a path the API port answers; only Prometheus' namespace reaches the health port`, () => {
      const objects = renderChild(appNamed(environment, 'publisher')).objects;
      const annotations = objects.find((o) => o.kind === 'Ingress')?.metadata.annotations ?? assert.fail('no Ingress');
      // /readyz and /metrics answer 404 on the API port; liveness stays there, quiet in the logs, for the ALB.
      assert.equal(annotations['alb.ingress.kubernetes.io/healthcheck-path'], '/healthz');
      assert.equal(annotations['alb.ingress.kubernetes.io/healthcheck-port'] ?? 'traffic-port', 'traffic-port');
      const rules = objects.find((o) => o.kind === 'NetworkPolicy').spec.ingress;
      const to = (port) => rules.filter((r) => r.ports.some((p) => p.port === port)).flatMap((r) => r.from);
      assert.deepEqual(to('health'), [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]);
      assert.ok(to('http').some((peer) => peer.ipBlock), 'the ALB reaches the API');
    });

    test(`${environment}: the values files carry the environment's Terraform outputs unchanged`, () => {
      const { helm_values: terraform } = JSON.parse(readFileSync(join(repo, 'terraform', 'deployment', 'tests', 'fixtures', `${environment}.json`), 'utf8'));
      for (const [name, outputs] of Object.entries(terraform)) {
        const { path, helm } = appNamed(environment, name).spec.source;
        const merged = helm.valueFiles.map((f) => parse(readFileSync(join(repo, path, f), 'utf8'))[0] ?? {}).reduce(mergeValues, {});
        for (const [keys, value] of leaves(outputs)) {
          assert.deepEqual(keys.reduce((v, k) => v?.[k], merged), value, `${environment}-${name}: ${keys.join('.')} is not what Terraform outputs`);
        }
      }
    });
  }
});
