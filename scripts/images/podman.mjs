// Small promise wrappers around the podman CLI (configured by env.sh's CONTAINERS_CONF).
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Runs `podman ...args` and resolves with its stdout; rejects with its stderr. */
export async function podman(...args) {
  try {
    const { stdout } = await execFileAsync('podman', args, { maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  } catch (err) {
    throw new Error(`podman ${args.join(' ')} failed: ${err.stderr || err.message}`);
  }
}

/** Runs a container in the foreground; resolves with its exit code and output. */
export function runToCompletion(args) {
  return new Promise((resolve, reject) => {
    const child = spawn('podman', ['run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

export async function imageConfig(image) {
  return JSON.parse(await podman('image', 'inspect', '--format', '{{json .Config}}', image));
}

export async function imageSizeBytes(image) {
  return Number(await podman('image', 'inspect', '--format', '{{.Size}}', image));
}

export async function exitCode(container) {
  return Number(await podman('inspect', '--format', '{{.State.ExitCode}}', container));
}

export async function logs(container) {
  try {
    const { stdout, stderr } = await execFileAsync('podman', ['logs', container], { maxBuffer: 64 * 1024 * 1024 });
    return stdout + stderr;
  } catch (err) {
    return `(no logs: ${err.message})`;
  }
}
