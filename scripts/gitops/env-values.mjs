#!/usr/bin/env node
// Reads and bumps the per-environment values files of argocd/environments/, keeping their
// comments and layout, for the pipeline's GitOps step:
//   node scripts/gitops/env-values.mjs get <env> <app> <path.to.value>   prints one value
//   node scripts/gitops/env-values.mjs set-image-tag <env> <tag>         sets image.tag of publisher and subscriber
//   node scripts/gitops/env-values.mjs apply-terraform <env> <file>      writes `tofu output -json helm_values`
//                                                                          (its file) into publisher and subscriber
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

export const IMAGE_APPS = ['publisher', 'subscriber'];
const root = process.env.GITOPS_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'argocd', 'environments');

export function valuesFile(environment, app) {
  if (!/^[a-z0-9-]+$/.test(environment) || !/^[a-z0-9-]+$/.test(app)) throw new Error(`bad environment or app name: ${environment} ${app}`);
  return join(root, environment, `${app}.yaml`);
}

const pathOf = (dotted) => dotted.split('.').map((k) => (/^[0-9]+$/.test(k) ? Number(k) : k));

export function getValue(environment, app, dotted) {
  const value = parseDocument(readFileSync(valuesFile(environment, app), 'utf8')).getIn(pathOf(dotted));
  if (value === undefined || typeof value === 'object') throw new Error(`${environment}/${app}.yaml has no scalar at ${dotted}`);
  return String(value);
}

/** Sets image.tag in the environment's publisher and subscriber values; returns the files changed. */
export function setImageTag(environment, tag) {
  // ECR tags are immutable here, so a moving tag would never deploy anything new.
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag) || tag === 'latest') throw new Error(`not a usable image tag: ${tag}`);
  const changed = [];
  for (const app of IMAGE_APPS) {
    const file = valuesFile(environment, app);
    const before = readFileSync(file, 'utf8');
    const doc = parseDocument(before);
    if (!doc.hasIn(['image', 'repository'])) throw new Error(`${file} has no image.repository`);
    doc.setIn(['image', 'tag'], tag);
    const after = doc.toString();
    if (after !== before) {
      writeFileSync(file, after);
      changed.push(file);
    }
  }
  return changed;
}

export const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every leaf of `values` (objects recursed, lists and scalars whole), as [path, value]. */
export function* leaves(values, path = []) {
  for (const [key, value] of Object.entries(values)) {
    if (isPlainObject(value) && Object.keys(value).length > 0) yield* leaves(value, [...path, key]);
    else yield [[...path, key], value];
  }
}

/**
 * Writes Terraform's helm_values output (`{ publisher: {...}, subscriber: {...} }`) into the
 * environment's values files: every value Terraform outputs replaces the file's, everything else
 * (hosts, tags, comments) stays. Returns the files changed.
 */
export function applyTerraform(environment, helmValues) {
  const changed = [];
  for (const app of IMAGE_APPS) {
    if (!isPlainObject(helmValues[app])) throw new Error(`helm_values has no ${app} object`);
    const file = valuesFile(environment, app);
    const before = readFileSync(file, 'utf8');
    const doc = parseDocument(before);
    for (const [path, value] of leaves(helmValues[app])) doc.setIn(path, doc.createNode(value));
    const after = doc.toString();
    if (after !== before) {
      writeFileSync(file, after);
      changed.push(file);
    }
  }
  return changed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, ...args] = process.argv.slice(2);
  try {
    if (command === 'get' && args.length === 3) console.log(getValue(...args));
    else if (command === 'set-image-tag' && args.length === 2) for (const f of setImageTag(...args)) console.log(f);
    else if (command === 'apply-terraform' && args.length === 2) {
      for (const f of applyTerraform(args[0], JSON.parse(readFileSync(args[1], 'utf8')))) console.log(f);
    }
    else {
      console.error('usage: env-values.mjs get <env> <app> <path> | set-image-tag <env> <tag> | apply-terraform <env> <helm_values.json>');
      process.exit(2);
    }
  } catch (err) {
    console.error(`env-values: ${err.message}`);
    process.exit(1);
  }
}
