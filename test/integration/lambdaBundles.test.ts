import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { deployedBuild } from '../../devtools/deployedBuild';
import {
  FUNCTIONS,
  functionBundle,
  keptInputs,
  loadedAtImport,
  offlineLambdaEnv,
} from '../support/functionBundles';

describe('the Lambda bundles', () => {
  it('are ASCII only: one character beyond it makes a whole file two-byte text, slower for node to decode and V8 to scan', async () => {
    for (const name of FUNCTIONS) {
      const result = await functionBundle(name);
      for (const file of result.outputFiles) {
        const beyond = [...new Set(file.text.match(/[^\0-\x7f]/g) ?? [])];
        expect(beyond, file.path).toEqual([]);
      }
    }
  }, 120_000);
});

/** The package a source file of node_modules is of. */
const packageOf = (input: string): string | undefined =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];

describe('what a cold start of each function loads', () => {
  it('holds neither the Scheduler client nor STS, which load from chunks beside it when first asked for', async () => {
    for (const name of FUNCTIONS) {
      const result = await functionBundle(name);
      const atImport = loadedAtImport(result, `${name}/${name}.js`);
      const loaded = atImport.flatMap((file) => keptInputs(result, file));
      expect(loaded, name).toContain('lib/adapters/scheduler/schedulerWakes.ts');
      expect(
        [...new Set(loaded.map(packageOf))].filter(
          (p) => p === '@aws-sdk/client-scheduler' || p === '@aws-sdk/nested-clients',
        ),
        name,
      ).toEqual([]);
      const later = Object.keys(result.metafile.outputs).filter((file) => !atImport.includes(file));
      const laterPackages = new Set(later.flatMap((file) => keptInputs(result, file)).map(packageOf));
      expect(laterPackages, name).toContain('@aws-sdk/client-scheduler');
      expect(laterPackages, name).toContain('@aws-sdk/nested-clients');
    }
  }, 120_000);

  it("keeps one copy of each module, the SDK's core shared with the chunks loaded later, not a second one in them", async () => {
    for (const name of FUNCTIONS) {
      const result = await functionBundle(name);
      const outputsOf = new Map<string, string[]>();
      for (const file of Object.keys(result.metafile.outputs))
        for (const input of keptInputs(result, file))
          outputsOf.set(input, [...(outputsOf.get(input) ?? []), file]);
      expect(
        [...outputsOf].filter(([, files]) => files.length > 1),
        name,
      ).toEqual([]);
    }
  }, 120_000);

  it('wraps no module in a lazy initialiser (esbuild does so, untree-shaken, for an ES module it cannot split off)', async () => {
    const { options } = await deployedBuild();
    const result = await build({
      ...options,
      minify: false,
      entryPoints: ['functions/sweep.ts'],
      outdir: 'sweep',
      write: false,
      logLevel: 'silent',
    });
    for (const file of result.outputFiles) expect(file.text.includes('__esm('), file.path).toBe(false);
  }, 120_000);

  it('loads the Scheduler client at the first wake asked, from its chunk beside the bundle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'poolwarden-lazy-scheduler-'));
    try {
      const { options } = await deployedBuild();
      const result = await build({
        ...options,
        entryPoints: ['lib/adapters/scheduler/schedulerWakes.ts'],
        outdir: dir,
        outExtension: { '.js': '.mjs' },
        metafile: true,
        logLevel: 'silent',
      });
      const chunks = Object.entries(result.metafile.outputs)
        .filter(([, output]) =>
          Object.keys(output.inputs).some((input) => packageOf(input) === '@aws-sdk/client-scheduler'),
        )
        .map(([file]) => join(dir, basename(file)));
      expect(chunks).toHaveLength(1);
      const chunk = chunks[0] ?? '';
      expect(chunk).not.toMatch(/schedulerWakes\.mjs$/);
      const probe = join(dir, 'probe.mjs');
      await writeFile(
        probe,
        [
          "import { createServer } from 'node:http';",
          'const asked = [];',
          'const server = createServer((request, response) => {',
          '  asked.push(request.method + " " + request.url);',
          "  request.resume().on('end', () => { response.setHeader('content-type', 'application/json'); response.end('{\"ScheduleArn\":\"arn\"}'); });",
          '});',
          'await new Promise((listening) => server.listen(0, "127.0.0.1", listening));',
          'process.env.AWS_ENDPOINT_URL_SCHEDULER = "http://127.0.0.1:" + server.address().port;',
          `const { SchedulerWakes } = await import(${JSON.stringify(pathToFileURL(join(dir, 'schedulerWakes.mjs')).href)});`,
          "const wakes = new SchedulerWakes({ group: 'g', functionArn: 'arn:aws:lambda:us-east-1:1:function:f', roleArn: 'arn:aws:iam::1:role/r' }, { maxAttempts: 1 });",
          'let wake;',
          "try { await wakes.wakeAt(Date.parse('2026-12-01T10:07:00Z')); wake = 'set'; } catch (error) { wake = error.code; }",
          'console.log(JSON.stringify({ wake, asked }));',
          'process.exit(0);',
        ].join('\n'),
      );
      const env = {
        ...offlineLambdaEnv(),
      };
      const runProbe = () =>
        JSON.parse(
          execFileSync(process.execPath, [probe], { encoding: 'utf8', env, timeout: 60_000 }),
        ) as unknown;
      expect(runProbe()).toEqual({ wake: 'set', asked: ['POST /schedules/wake-20261201T1007'] });
      // Without its chunk the bundle still imports: only the wake needs the client.
      await rename(chunk, `${chunk}.away`);
      expect(runProbe()).toEqual({ wake: 'ERR_MODULE_NOT_FOUND', asked: [] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("holds only the errors of SSM, DynamoDB and SNS that its calls can meet, not all of each service's", async () => {
    for (const name of FUNCTIONS) {
      const result = await functionBundle(name);
      const bundle = result.metafile.outputs[`${name}/${name}.js`];
      const ssmBytes = Object.entries(bundle?.inputs ?? {})
        .filter(([input]) => packageOf(input) === '@aws-sdk/client-ssm')
        .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
      // 76 KiB with the 140 errors registered; about 21 with the 8 kept.
      expect(ssmBytes, name).toBeGreaterThan(10 * 1024);
      expect(ssmBytes, name).toBeLessThan(32 * 1024);
      const text = result.outputFiles.find((file) => file.path.endsWith(`/${name}/${name}.js`))?.text ?? '';
      expect(text, name).toContain('"ParameterNotFound"');
      expect(text, name).not.toContain('"OpsItemAccessDeniedException"');
      // DynamoDB's errors of its item operations, not those of tables and backups; SNS's of Publish.
      expect(text, name).toContain('"ConditionalCheckFailedException"');
      expect(text, name).toContain('"TransactionCanceledException"');
      expect(text, name).not.toContain('"BackupInUseException"');
      expect(text, name).toContain('"ThrottledException"');
      expect(text, name).not.toContain('"TopicLimitExceededException"');
    }
  }, 120_000);
});

describe("the Lambda bundles' SSM client, without the errors no call of theirs can meet", () => {
  it("still throws another error of SSM's, as SSMServiceException with its name, message and fault", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'poolwarden-ssm-errors-'));
    try {
      const { options } = await deployedBuild();
      await build({
        ...options,
        stdin: {
          contents: [
            "import { GetParametersCommand, SSMClient, SSMServiceException, ParameterNotFound } from '@aws-sdk/client-ssm';",
            "import { createServer } from 'node:http';",
            'const replies = [',
            "  [400, { __type: 'AccessDeniedException', message: 'not authorized to perform ssm:GetParameters' }],",
            "  [400, { __type: 'ParameterNotFound', message: 'no such parameter' }],",
            '];',
            'const server = createServer((request, response) => {',
            '  const [status, body] = replies.shift();',
            "  request.resume().on('end', () => { response.statusCode = status; response.setHeader('content-type', 'application/x-amz-json-1.1'); response.end(JSON.stringify(body)); });",
            '});',
            "await new Promise((listening) => server.listen(0, '127.0.0.1', listening));",
            "const client = new SSMClient({ endpoint: 'http://127.0.0.1:' + server.address().port, maxAttempts: 1 });",
            'const thrown = [];',
            'for (let i = 0; i < 2; i++) {',
            "  try { await client.send(new GetParametersCommand({ Names: ['/p'] })); } catch (error) {",
            '    thrown.push({ name: error.name, message: error.message, fault: error.$fault, status: error.$metadata.httpStatusCode,',
            '      service: error instanceof SSMServiceException, notFound: error instanceof ParameterNotFound });',
            '  }',
            '}',
            'console.log(JSON.stringify(thrown));',
            'process.exit(0);',
          ].join('\n'),
          resolveDir: process.cwd(),
          sourcefile: 'ssmErrors.mjs',
        },
        outdir: dir,
        outExtension: { '.js': '.mjs' },
        logLevel: 'silent',
      });
      const out = execFileSync(process.execPath, [join(dir, 'stdin.mjs')], {
        encoding: 'utf8',
        env: offlineLambdaEnv(),
        timeout: 60_000,
      });
      expect(JSON.parse(out)).toEqual([
        {
          name: 'AccessDeniedException',
          message: 'not authorized to perform ssm:GetParameters',
          fault: 'client',
          status: 400,
          service: true,
          notFound: false,
        },
        {
          name: 'ParameterNotFound',
          message: 'no such parameter',
          fault: 'client',
          status: 400,
          service: true,
          notFound: true,
        },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("the Lambda bundles' YAML parser", () => {
  it('is a file beside each bundle, not in it, and neither are the Slack clients', async () => {
    for (const name of FUNCTIONS) {
      const result = await functionBundle(name);
      const inputsOf = (file: string) => keptInputs(result, file);
      const bundle = inputsOf(`${name}/${name}.js`);
      expect(bundle, name).toContain('lib/policyFile/parsePolicy.ts');
      expect(
        bundle.filter((input) => /node_modules\/(yaml|@slack)\//.test(input)),
        name,
      ).toEqual([]);
      expect(inputsOf(`${name}/policyYaml.cjs`).length, name).toBeGreaterThan(50);
      expect(result.outputFiles.map((file) => file.path.slice(file.path.lastIndexOf('/') + 1))).toContain(
        'policyYaml.cjs',
      );
    }
  }, 120_000);

  it('is loaded at the first policy that is not plain JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'poolwarden-lazy-yaml-'));
    try {
      const { options } = await deployedBuild();
      await build({
        ...options,
        entryPoints: ['lib/policyFile/parsePolicy.ts'],
        outdir: dir,
        outExtension: { '.js': '.mjs' },
        logLevel: 'silent',
      });
      expect((await readdir(dir)).sort()).toEqual(['parsePolicy.mjs', 'policyYaml.cjs']);
      const probe = join(dir, 'probe.mjs');
      await writeFile(
        probe,
        [
          "import { createRequire } from 'node:module';",
          `const { parsePolicy } = await import(${JSON.stringify(pathToFileURL(join(dir, 'parsePolicy.mjs')).href)});`,
          'const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((f) => f.endsWith("policyYaml.cjs"));',
          'const seen = [];',
          "for (const text of ['{\"dryRun\": true}', 'dryRun: true', '{\"dryRun\": 1}']) {",
          "  const result = parsePolicy(text, 'policy');",
          '  seen.push([result.ok ? result.policy.dryRun : result.errors[0].line + ":" + result.errors[0].column, loaded()]);',
          '}',
          'console.log(JSON.stringify(seen));',
        ].join('\n'),
      );
      const out = execFileSync(process.execPath, [probe], { encoding: 'utf8', timeout: 60_000 });
      expect(JSON.parse(out)).toEqual([
        [true, false],
        [true, true],
        ['1:12', true],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
