'use strict';

/**
 * esbuild plugins of the Lambda bundles (serverless.yml's custom.esbuild.plugins, which
 * serverless-esbuild and devtools/deployedBuild.ts load).
 *
 * lazyYaml: the YAML parser leaves the bundle for a file beside it, `policyYaml.cjs`, which
 * lib/policyFile/yamlModule.ts then requires at its first call. Every cold start compiled the
 * parser's 110 KB with the bundle, though only a policy that is not plain JSON needs it
 * (parsePolicy reads a valid JSON policy without it). It cannot be a chunk that esbuild splits
 * off: an ES module is imported asynchronously, and a policy is parsed synchronously; a CommonJS
 * file is required synchronously, by the `require` of the bundles' banner. serverless-esbuild
 * zips every file of the build folder with each function but the other functions' bundles,
 * so the file goes with each (test/integration/serverlessPackage.test.ts checks it).
 */
const { dirname, join } = require('node:path');

const YAML_FILE = 'policyYaml.cjs';

/** @type {import('esbuild').Plugin} */
const lazyYaml = {
  name: 'lazy-yaml',
  setup(build) {
    const options = build.initialOptions;
    build.onLoad({ filter: /[\\/]lib[\\/]policyFile[\\/]yamlModule\.ts$/ }, () => ({
      loader: 'js',
      contents: `let yaml;\nexport const yamlModule = () => (yaml ??= require('./${YAML_FILE}'));\n`,
    }));
    build.onResolve({ filter: /^\.\/policyYaml\.cjs$/ }, (args) => ({ path: args.path, external: true }));
    build.onEnd(async (result) => {
      if (result.errors.length > 0) return;
      const outdir = options.outdir ?? dirname(options.outfile);
      const parser = await build.esbuild.build({
        entryPoints: [require.resolve('yaml')],
        outfile: join(outdir, YAML_FILE),
        bundle: true,
        format: 'cjs',
        platform: 'node',
        target: options.target,
        minify: options.minify,
        sourcemap: options.sourcemap,
        write: options.write !== false,
        metafile: true,
        logLevel: 'silent',
      });
      if (parser.outputFiles) result.outputFiles?.push(...parser.outputFiles);
      if (result.metafile) {
        Object.assign(result.metafile.inputs, parser.metafile.inputs);
        Object.assign(result.metafile.outputs, parser.metafile.outputs);
      }
    });
  },
};

module.exports = [lazyYaml];
