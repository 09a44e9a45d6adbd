import type { BuildOptions } from 'esbuild';
import { build } from 'esbuild';
import { deployedBuild } from '../../devtools/deployedBuild';

/** The functions serverless.yml deploys. */
export const FUNCTIONS = ['onJobStateChange', 'sweep', 'slackActions'] as const;

const buildWith = (options: BuildOptions, name: string) =>
  build({
    ...options,
    entryPoints: [`functions/${name}.ts`],
    outdir: name,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });

export type FunctionBundle = Awaited<ReturnType<typeof buildWith>>;

const built = new Map<string, Promise<FunctionBundle>>();

/**
 * A function's bundle as serverless.yml builds it (its custom.esbuild settings), in memory, with
 * the files written beside it (`<name>/…`) and the metafile. Built once per test file: several
 * tests read the same bundles.
 */
export const functionBundle = (name: string): Promise<FunctionBundle> => {
  let bundle = built.get(name);
  if (!bundle) {
    bundle = deployedBuild().then(({ options }) => buildWith(options, name));
    built.set(name, bundle);
  }
  return bundle;
};

/**
 * The source files some bytes of which reached the output `file` (every output when absent):
 * esbuild reads more than it keeps (a package's index, tree-shaken).
 */
export const keptInputs = (bundle: FunctionBundle, file?: string): string[] =>
  Object.entries(bundle.metafile.outputs)
    .filter(([path]) => file === undefined || path === file)
    .flatMap(([, output]) =>
      Object.entries(output.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([input]) => input),
    );

/**
 * The outputs a fresh import of the output `file` loads: it and the chunks it imports statically,
 * transitively (not those it imports dynamically, when it needs them).
 */
export const loadedAtImport = (bundle: FunctionBundle, file: string): string[] => {
  const loaded = new Set([file]);
  for (const output of loaded)
    for (const imported of bundle.metafile.outputs[output]?.imports ?? [])
      if (imported.kind === 'import-statement' && !imported.external) loaded.add(imported.path);
  return [...loaded];
};

/**
 * The environment of a child process that runs a bundle as Lambda would, offline: a region and
 * dummy keys (no call leaves the machine), and nothing else of this one's.
 */
export const offlineLambdaEnv = (): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});
