// Lockfile checks lockfile-lint leaves open, and the install commands of the build files.
//   node lockfile.mjs complete LOCKFILE...   every installed package has a sha512 `integrity`
//   node lockfile.mjs npm-ci FILE...         the file installs, and only with `npm ci`
//   node lockfile.mjs no-install FILE...     the file installs no npm package at all, or only with `npm ci`
// lockfile-lint (check.sh) checks each `resolved` URL (https, the npm registry, the package's own
// name) and that each `integrity` present is sha512; it passes an entry without `integrity`, which
// `complete` does not. Entries may lack `resolved` (a lockfile written with npm's
// omit-lockfile-registry-resolved): npm then fetches them from the configured registry, and the
// `integrity` hash is what pins their content.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

// Problems of one package-lock.json (v2 or v3), [] when there are none.
export function incompleteEntries(lock) {
  if (!(lock.lockfileVersion >= 2) || typeof lock.packages !== 'object') {
    return [`lockfileVersion ${lock.lockfileVersion}: only lockfile v2/v3 (npm 7 or later) carries the integrity of every package`];
  }
  const problems = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    // The root and the workspace folders are this repository, and links point at them.
    if (path === '' || !path.includes('node_modules/') || entry.link) continue;
    if (typeof entry.integrity !== 'string') problems.push(`${path}: no integrity hash`);
    else if (!entry.integrity.split(/\s+/).every((h) => h.startsWith('sha512-'))) problems.push(`${path}: integrity is not sha512 (${entry.integrity})`);
  }
  return problems;
}

// Commands that would resolve versions anew instead of installing the lockfile.
const INSTALLS = 'install|i|in|ins|inst|insta|instal|isnt|isnta|isntal|isntall|add|update|up|upgrade|udpate';
const SUBCOMMANDS = `${INSTALLS}|ci|run|exec|test|ls|audit|pack|publish|view|config`;
const RESOLVING = [
  // npm [options, each maybe with a value] <install or one of its aliases>
  new RegExp(`\\bnpm\\s+(?:--?[\\w-]+(?:=\\S+|\\s+(?!(?:${SUBCOMMANDS})\\b)[^-\\s]\\S*)?\\s+)*(?:${INSTALLS})\\b(?!-)`),
  /\b(?:yarn|pnpm)(?:\s+(?:install|add|up|upgrade)\b|\s*$)/m,
  /\bnpx\s+(?:--yes|-y)\b/,
];

// Problems of one build file, [] when it installs only with `npm ci`.
export function resolvingInstalls(text, { mustInstall = true } = {}) {
  const problems = [];
  text.split('\n').forEach((line, i) => {
    for (const re of RESOLVING) if (re.test(line)) problems.push(`line ${i + 1}: ${line.trim()}`);
  });
  if (mustInstall && !/\bnpm\s+ci\b/.test(text)) problems.push('no `npm ci`: the file was expected to install the dependencies');
  return problems;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [mode, ...files] = process.argv.slice(2);
  let failed = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const problems = mode === 'complete' ? incompleteEntries(JSON.parse(text))
      : mode === 'npm-ci' || mode === 'no-install' ? resolvingInstalls(text, { mustInstall: mode === 'npm-ci' }) : null;
    if (problems === null) { console.error('usage: lockfile.mjs complete|npm-ci|no-install FILE...'); process.exit(2); }
    if (problems.length) failed++;
    const what = mode === 'complete' ? 'every package has a sha512 integrity' : mode === 'npm-ci' ? 'installs only with npm ci' : 'no install but npm ci';
    console.log(`${problems.length ? 'FAIL' : 'ok  '}  ${file}: ${problems.length ? problems.length + ' problem(s)' : what}`);
    for (const p of problems.slice(0, 20)) console.log(`        ${p}`);
  }
  if (files.length === 0) { console.error('no file given'); process.exit(2); }
  process.exit(failed ? 1 : 0);
}
