#!/usr/bin/env node
// Bundles the poolwarden command ahead of time into dist/cli, so that running it compiles no
// TypeScript. Each command's implementation is its own chunk, imported when the command runs:
// `--help` and `policy validate` load neither the AWS SDK nor the local stack. Dependencies stay
// in node_modules (external), loaded only by the chunks that use them, but for the policy file's
// parsers (BUNDLED): resolving and loading their hundreds of small modules one by one was most of
// `policy validate`'s time (0.45 → 0.34 s on this machine).
// Run by `prepare` (npm install / npm ci), and before `npm start` and `npm test`.
// `--outdir DIR` builds elsewhere (a test inspects a build of its own); DIR/meta.json lists the imports.
// `--if-stale` (npm start) builds only when a file the bundle was built from, or one that decides
// how it is built, changed since that build started; it saves npm start the build's half second.
import { readFileSync } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';

const flag = process.argv.indexOf('--outdir');
const outdir = flag > 0 ? process.argv[flag + 1] : 'dist/cli';
if (!outdir) throw new Error('--outdir needs a folder');
const quiet = process.argv.includes('--quiet');
/** When the build in outdir started, in ms since the epoch (modification times are compared to it). */
const STAMP = join(outdir, 'built-at');
const BUILD_INPUTS = ['scripts/build.js', 'package.json', 'package-lock.json', 'tsconfig.json'];
/** The esbuild namespace of the CommonJS packages' wrappers (externalPackages). */
const CJS_NAMESPACE = 'required-package';

/** Whether outdir holds a build of the sources as they are now. */
const isFresh = async () => {
  try {
    const builtAt = Number(await readFile(STAMP, 'utf8'));
    const meta = JSON.parse(await readFile(join(outdir, 'meta.json'), 'utf8'));
    // The required packages' wrappers (externalPackages) are no files of their own.
    const files = Object.keys(meta.inputs).filter((input) => !input.startsWith(`${CJS_NAMESPACE}:`));
    const inputs = [...files, ...BUILD_INPUTS];
    const times = await Promise.all(inputs.map(async (file) => (await stat(file)).mtimeMs));
    return Number.isFinite(builtAt) && times.every((time) => time < builtAt);
  } catch {
    // No build yet, or a file it was built from is gone: build.
    return false;
  }
};

if (process.argv.includes('--if-stale') && (await isFresh())) {
  if (!quiet) console.error(`poolwarden: CLI in ${outdir} is up to date`);
  process.exit(0);
}
/** The packages compiled into the chunks that use them rather than loaded from node_modules. */
const BUNDLED = new Set(['zod', 'yaml', 'luxon']);
/** `@scope/name/sub/path` → `@scope/name`; `name/sub/path` → `name`. */
const packageOf = (specifier) => specifier.split('/', specifier.startsWith('@') ? 2 : 1).join('/');
const requireHere = createRequire(import.meta.url);
/** Whether Node loads `specifier` as CommonJS when it is required (not a built-in module, not ESM). */
const isCommonJs = (specifier) => {
  if (specifier.startsWith('node:')) return false;
  let file;
  try {
    file = requireHere.resolve(specifier);
  } catch {
    return false;
  }
  if (!isAbsolute(file) || file.endsWith('.mjs')) return false;
  if (file.endsWith('.cjs')) return true;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type !== 'module';
    } catch {}
  }
  return true;
};
/**
 * Every other package (and Node's built-in modules) stays external: `packages: 'external'` but for
 * BUNDLED. A CommonJS package is required rather than imported: Node's ES module loader would
 * first compile each of its files to detect its format and lex it for its export names (the AWS
 * SDK's clients are single files of a megabyte). The local stack's fixed start, fewest of 6
 * paired runs, went 1.83 → 1.67 s of CPU.
 */
const externalPackages = {
  name: 'external-packages',
  setup(onBuild) {
    const commonJs = new Map();
    onBuild.onResolve({ filter: /^[^./]/ }, ({ path, kind, namespace }) => {
      if (BUNDLED.has(packageOf(path))) return undefined;
      // A dynamic import stays Node's: split into a chunk of its own, a required package would
      // only have its default export (esbuild cannot name a CommonJS module's exports).
      if (kind === 'require-call' || kind === 'dynamic-import' || namespace === CJS_NAMESPACE)
        return { path, external: true };
      if (!commonJs.has(path)) commonJs.set(path, isCommonJs(path));
      return commonJs.get(path) ? { path, namespace: CJS_NAMESPACE } : { path, external: true };
    });
    onBuild.onLoad({ filter: /.*/, namespace: CJS_NAMESPACE }, ({ path }) => ({
      contents: `module.exports = require(${JSON.stringify(path)});`,
      loader: 'js',
    }));
  },
};

const { build } = await import('esbuild');
const started = performance.now();
const startedAt = Date.now();
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
  plugins: [externalPackages],
  // The bundled packages are CommonJS that require Node's own modules (yaml needs process): an
  // ES module has no require of its own.
  banner: {
    js: "import { createRequire as __poolwardenRequire } from 'node:module'; const require = __poolwardenRequire(import.meta.url);",
  },
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});
await writeFile(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
await writeFile(STAMP, String(startedAt));
if (!quiet) {
  console.error(`poolwarden: CLI built into ${outdir} in ${Math.round(performance.now() - started)} ms`);
}
