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
const { readFile } = require('node:fs/promises');
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

/**
 * unusedServiceErrors: a generated AWS SDK client registers a class for every error its service
 * declares (schemas/schemas_0.js calls registerError for each, at import), so that a reply's error
 * is rebuilt as that class. The bundles read SSM parameters only (@middy/ssm's GetParameters, or
 * GetParametersByPath), whose calls declare six of SSM's 140 errors: the other classes and their
 * schemas (some 55 KB of each bundle) were compiled and run at every cold start for nothing, and
 * so, on a smaller scale, were DynamoDB's errors of tables and backups and SNS's of everything
 * but Publish (14 KB together). Only the errors listed here stay registered. An error the service
 * answers with that is not listed is still thrown, as the client's service exception (e.g.
 * SSMServiceException) with the error's name, message, fault and metadata: the SDK's fallback for
 * an error it does not know (@aws-sdk/core ProtocolLib), which the SDK's retries (by name and
 * status) and poolwarden (by name) read alike (test/integration/lambdaBundles.test.ts).
 */
const KEPT_ERRORS = {
  // GetParameters, GetParametersByPath (@middy/ssm's two calls) and GetParameter.
  'client-ssm': [
    'InternalServerError',
    'InvalidKeyId',
    'InvalidFilterKey',
    'InvalidFilterOption',
    'InvalidFilterValue',
    'InvalidNextToken',
    'ParameterNotFound',
    'ParameterVersionNotFound',
  ],
  // The item operations (Get, Put, Update, Delete, Query, the batches, TransactWriteItems); not
  // those of tables, backups, exports, imports, global tables and replicas (22 of 35).
  'client-dynamodb': [
    'ConditionalCheckFailedException',
    'IdempotentParameterMismatchException',
    'InternalServerError',
    'InvalidEndpointException',
    'ItemCollectionSizeLimitExceededException',
    'ProvisionedThroughputExceededException',
    'ReplicatedWriteConflictException',
    'RequestLimitExceeded',
    'ResourceNotFoundException',
    'ThrottlingException',
    'TransactionCanceledException',
    'TransactionConflictException',
    'TransactionInProgressException',
  ],
  // Publish (lib/adapters/sns/snsEmailChannel.ts, which reads an error's name and status only).
  'client-sns': [
    'AuthorizationErrorException',
    'EndpointDisabledException',
    'InternalErrorException',
    'InvalidParameterException',
    'InvalidParameterValueException',
    'InvalidSecurityException',
    'KMSAccessDeniedException',
    'KMSDisabledException',
    'KMSInvalidStateException',
    'KMSNotFoundException',
    'KMSOptInRequired',
    'KMSThrottlingException',
    'NotFoundException',
    'PlatformApplicationDisabledException',
    'ThrottledException',
    'ValidationException',
  ],
};

/**
 * An error's schema and its registration, as the SDK generates them:
 *   export var NAME$ = [-3, n0, ...
 *   ];
 *   n0_registry.registerError(NAME$, NAME);
 */
const ERROR_ENTRY =
  /^export var (\w+)\$ = \[-3, n0,[^\]]*?(?:\[[^\]]*\][^\]]*?)*\n\];\nn0_registry\.registerError\(\1\$, \1\);\n/gm;

/** schemas_0.js of `client` without the errors it does not keep; undefined when its text is not as expected. */
const withoutUnusedErrors = (text, kept) => {
  const dropped = [];
  const contents = text.replace(ERROR_ENTRY, (entry, name) => {
    if (kept.has(name)) return entry;
    dropped.push(name);
    return '';
  });
  // Anything else naming a dropped schema would meet an undefined one: leave the file whole.
  const stillNamed = dropped.filter((name) => new RegExp(`\\b${name}\\$`).test(contents));
  if (dropped.length === 0 || stillNamed.length > 0) return undefined;
  return contents;
};

/** @type {import('esbuild').Plugin} */
const unusedServiceErrors = {
  name: 'unused-service-errors',
  setup(build) {
    const clients = Object.keys(KEPT_ERRORS).join('|');
    const filter = new RegExp(
      `[\\\\/]@aws-sdk[\\\\/](${clients})[\\\\/]dist-es[\\\\/]schemas[\\\\/]schemas_0\\.js$`,
    );
    build.onLoad({ filter }, async (args) => {
      const client = /@aws-sdk[\\/]([^\\/]+)[\\/]dist-es/.exec(args.path)[1];
      const text = await readFile(args.path, 'utf8');
      const contents = withoutUnusedErrors(text, new Set(KEPT_ERRORS[client]));
      if (contents === undefined)
        return {
          warnings: [{ text: `${client}: its errors are not where unused-service-errors looks; all kept` }],
        };
      return { contents, loader: 'js' };
    });
  },
};

module.exports = [lazyYaml, unusedServiceErrors];
