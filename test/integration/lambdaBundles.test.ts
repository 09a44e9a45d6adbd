import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { deployedBuild } from '../../devtools/deployedBuild';
import { FUNCTIONS, functionBundle, keptInputs } from '../support/functionBundles';

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
