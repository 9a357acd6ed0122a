// `npm run build:lambda`: bundles the Lambda handler (with the migrations, which are listed in code)
// into one file and zips it as dist/lambda.zip, handler `index.handler`. Beside it, dist/lambda.cdx.json
// is the zip's CycloneDX SBOM: the packages esbuild put into the bundle (after tree-shaking), and no others.
import { mkdirSync, createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cyclonedxEsbuildPlugin } from '@cyclonedx/cyclonedx-esbuild';
import { build } from 'esbuild';
import yazl from 'yazl';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = process.argv[2] ?? join(root, 'dist', 'lambda-bundle');
mkdirSync(outDir, { recursive: true });

const started = Date.now();
const result = await build({
  entryPoints: [join(root, 'src', 'lambda', 'handler.ts')],
  outfile: join(outDir, 'index.js'),
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minify: true,
  // pg's optional native binding is never used.
  external: ['pg-native'],
  // jsonc-parser's UMD build loads its parts with a require() esbuild cannot follow; its ESM build imports them.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  metafile: true,
  logLevel: 'warning',
  // Relative to the bundle's directory: next to the zip.
  plugins: [cyclonedxEsbuildPlugin({ specVersion: '1.6', outputFile: join('..', 'lambda.cdx.json'), outputReproducible: true, validate: true })],
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);

const zipPath = join(outDir, '..', 'lambda.zip');
const zip = new yazl.ZipFile();
// Fixed timestamps keep the archive reproducible, so unchanged code yields an unchanged hash.
const mtime = new Date('2026-01-01T00:00:00Z');
zip.addFile(join(outDir, 'index.js'), 'index.js', { mtime, mode: 0o100644 });
zip.end();
await new Promise((resolve, reject) => zip.outputStream.pipe(createWriteStream(zipPath)).on('close', resolve).on('error', reject));
console.log(`built ${zipPath} (bundle ${(bytes / 1024).toFixed(0)} KiB) in ${Date.now() - started} ms`);
