import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { deployedBuild } from '../devtools/deployedBuild';
import { errorMessage } from '../lib/domain/errorMessage';
import { fixed, type Section, table, thousands } from './format';

/**
 * Section 3: each function's bundle, built with the esbuild options of serverless.yml's
 * `custom.esbuild` (what serverless-esbuild builds), and its module initialisation time as
 * deployed: importing the bundle in a fresh `node` process with the functions' NODE_OPTIONS,
 * median of N. The deployment zip holds the .mjs, the chunks it imports with it (the SDK's core,
 * shared with the clients loaded later), the files beside it that it loads when it needs them
 * (the chunks split off, the YAML parser: scripts/esbuildPlugins.cjs), and the .map of each when
 * source maps are on; "zip" is their deflate size (what a zip stores), without the few hundred
 * bytes of zip headers.
 */
export const FUNCTIONS = ['onJobStateChange', 'sweep', 'slackActions'] as const;
const RUNS = 5;
/** The targets of the "Fast" issue: a zip of at most 1 MB, an import of at most 150 ms. */
export const BUNDLE_TARGETS = { zipBytes: 1024 * 1024, initMs: 150 } as const;

const ENV = {
  ...process.env,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POOLWARDEN_TABLE: 'poolwarden-bench-ledger',
  POOLWARDEN_KILL_SWITCH_PARAM: '/poolwarden/bench/kill-switch',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export interface BundleRow {
  readonly name: string;
  readonly bytes: number;
  /** What an import of the bundle loads: it and the chunks it imports statically. */
  readonly atImportBytes: number;
  /** The files beside the bundle that it loads when it needs them, source maps aside. */
  readonly besideBytes: number;
  /** The bytes loaded at import by package (poolwarden's own under `poolwarden`), largest first. */
  readonly atImportByPackage: ReadonlyArray<readonly [string, number]>;
  readonly zippedBytes: number;
  readonly zippedCodeBytes: number;
  readonly inputs: number;
  readonly initMs: number | undefined;
  readonly initError?: string;
}

/**
 * The outputs an import of `entry` loads (it and the chunks it imports statically, transitively),
 * as paths relative to the working directory, as the metafile names them.
 */
export const outputsAtImport = (metafile: Metafile, entry: string): string[] => {
  const loaded = new Set([entry]);
  for (const output of loaded)
    for (const imported of metafile.outputs[output]?.imports ?? [])
      if (imported.kind === 'import-statement' && !imported.external) loaded.add(imported.path);
  return [...loaded];
};

/** The package a source file is of: its node_modules package, or poolwarden's own. */
const packageOf = (input: string): string =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? 'poolwarden';

/** The bytes of `outputs` by the package each came from, largest first. */
export const bytesByPackage = (metafile: Metafile, outputs: readonly string[]): Array<[string, number]> => {
  const bytes = new Map<string, number>();
  for (const output of outputs)
    for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[output]?.inputs ?? {}))
      bytes.set(packageOf(input), (bytes.get(packageOf(input)) ?? 0) + bytesInOutput);
  return [...bytes].filter(([, b]) => b > 0).sort((a, b) => b[1] - a[1]);
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const importMs = (probe: string, file: string, nodeOptions: string | undefined): number => {
  const out = execFileSync(process.execPath, [probe, pathToFileURL(file).href], {
    env: nodeOptions ? { ...ENV, NODE_OPTIONS: nodeOptions } : ENV,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return Number(out.trim().split('\n').pop());
};

export const runBundles = async (): Promise<{ section: Section; rows: BundleRow[] }> => {
  const dir = await mkdtemp(join(tmpdir(), 'poolwarden-bench-bundles-'));
  try {
    const probe = join(dir, 'probe.mjs');
    await writeFile(
      probe,
      [
        // The handlers prefetch their SSM parameters at init (@middy/ssm): answer on loopback, never AWS.
        "import { createServer } from 'node:http';",
        "const server = createServer((_q, r) => { r.setHeader('content-type', 'application/x-amz-json-1.1'); r.end('{\"Parameters\":[],\"InvalidParameters\":[]}'); });",
        "await new Promise((ok) => server.listen(0, '127.0.0.1', ok));",
        "process.env.AWS_ENDPOINT_URL_SSM = 'http://127.0.0.1:' + server.address().port;",
        "process.on('unhandledRejection', () => {});",
        'const t = performance.now();',
        'await import(process.argv[2]);',
        'console.log(performance.now() - t);',
        'process.exit(0);',
      ].join('\n'),
    );
    const deployed = await deployedBuild();
    const rows: BundleRow[] = [];
    for (const name of FUNCTIONS) {
      // A folder of its own, as serverless-esbuild's, which zips all of it but the other bundles.
      const outdir = join(dir, name);
      const outfile = join(outdir, `${name}.mjs`);
      const result = await build({
        ...deployed.options,
        entryPoints: [`functions/${name}.ts`],
        outdir,
        outExtension: { '.js': '.mjs' },
        metafile: true,
        logLevel: 'silent',
      });
      const deflated = async (file: string) => deflateRawSync(await readFile(file), { level: 9 }).length;
      const files = (await readdir(outdir)).map((file) => join(outdir, file));
      const relative = (file: string) =>
        Object.keys(result.metafile.outputs).find((o) => resolve(o) === file);
      const atImport = outputsAtImport(result.metafile, relative(outfile) ?? outfile);
      const loadedAtImport = new Set(atImport.map((output) => resolve(output)));
      const zippedCodeBytes = await deflated(outfile);
      let zippedBytes = 0;
      let besideBytes = 0;
      let atImportBytes = 0;
      for (const file of files) {
        zippedBytes += await deflated(file);
        if (file.endsWith('.map')) continue;
        if (loadedAtImport.has(file)) atImportBytes += (await stat(file)).size;
        else besideBytes += (await stat(file)).size;
      }
      let initMs: number | undefined;
      let initError: string | undefined;
      try {
        importMs(probe, outfile, deployed.nodeOptions); // warms the file cache
        initMs = median(Array.from({ length: RUNS }, () => importMs(probe, outfile, deployed.nodeOptions)));
      } catch (error) {
        initError = errorMessage(error).split('\n')[0];
      }
      rows.push({
        name,
        bytes: (await stat(outfile)).size,
        atImportBytes,
        besideBytes,
        atImportByPackage: bytesByPackage(result.metafile, atImport),
        zippedBytes,
        zippedCodeBytes,
        inputs: Object.keys(result.metafile.inputs).length,
        initMs,
        ...(initError ? { initError } : {}),
      });
    }
    const body = table(
      [
        'function',
        'bundle (.mjs)',
        'loaded at import (it and the chunks it imports)',
        'beside it (loaded when needed)',
        '.mjs deflated',
        `zip (all${deployed.options.sourcemap ? ', with .map' : ''}; target ≤ ${BUNDLE_TARGETS.zipBytes / 1024 / 1024} MB)`,
        'source modules',
        `import ms (median of ${RUNS}; target ≤ ${BUNDLE_TARGETS.initMs})`,
      ],
      rows.map((r) => [
        r.name,
        `${thousands(r.bytes / 1024)} KiB`,
        `${thousands(r.atImportBytes / 1024)} KiB`,
        `${thousands(r.besideBytes / 1024)} KiB`,
        `${thousands(r.zippedCodeBytes / 1024)} KiB`,
        `${thousands(r.zippedBytes / 1024)} KiB`,
        thousands(r.inputs),
        r.initMs !== undefined ? fixed(r.initMs, 0) : `failed: ${r.initError}`,
      ]),
    );
    const largest = rows.map(
      (r) =>
        `- ${r.name}, loaded at import by package: ${r.atImportByPackage
          .slice(0, 10)
          .map(([name, bytes]) => `${name} ${thousands(bytes / 1024)} KiB`)
          .join(', ')}`,
    );
    return { section: { title: 'bundles', body: [body, '', ...largest].join('\n') }, rows };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
