#!/usr/bin/env node
// Bundles the poolwarden command ahead of time into dist/cli, so that running it compiles no
// TypeScript. Each command's implementation is its own chunk, imported when the command runs:
// `--help` and `policy validate` load neither the AWS SDK nor the local stack. Dependencies stay
// in node_modules (external), loaded only by the chunks that use them.
// Run by `prepare` (npm install / npm ci), and before `npm start` and `npm test`.
// `--outdir DIR` builds elsewhere (a test inspects a build of its own); DIR/meta.json lists the imports.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const flag = process.argv.indexOf('--outdir');
const outdir = flag > 0 ? process.argv[flag + 1] : 'dist/cli';
if (!outdir) throw new Error('--outdir needs a folder');
const started = performance.now();
// Chunk names carry a content hash: start empty so that stale chunks do not pile up.
await rm(outdir, { recursive: true, force: true });
const result = await build({
  // The whatif worker is an entry of its own: worker threads start from a file.
  entryPoints: { main: 'lib/cli/main.ts', whatifWorker: 'devtools/sim/whatifWorker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});
await writeFile(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
if (!process.argv.includes('--quiet')) {
  console.error(`poolwarden: CLI built into ${outdir} in ${Math.round(performance.now() - started)} ms`);
}
