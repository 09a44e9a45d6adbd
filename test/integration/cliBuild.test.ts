import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

interface Metafile {
  outputs: Record<
    string,
    { imports: { path: string; kind: string; external?: boolean }[]; inputs: Record<string, unknown> }
  >;
}

/** The package a bundled input came from (node_modules/@scope/name/… or node_modules/name/…). */
const bundledPackage = (input: string): string | undefined =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];

/**
 * The packages a chunk loads before any of its code runs, followed through its static imports of
 * other chunks: those imported from node_modules, and those compiled into the chunks (build.js's
 * BUNDLED parsers).
 */
const staticPackages = (meta: Metafile, entry: string): Set<string> => {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const stack = [entry];
  for (let file = stack.pop(); file !== undefined; file = stack.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of meta.outputs[file]?.imports ?? []) {
      // A CommonJS package is required when its chunk loads (build.js, externalPackages).
      if (imported.kind !== 'import-statement' && !(imported.external && imported.kind === 'require-call'))
        continue;
      if (imported.external) packages.add(imported.path);
      else stack.push(imported.path);
    }
    for (const input of Object.keys(meta.outputs[file]?.inputs ?? {})) {
      const bundled = bundledPackage(input);
      if (bundled) packages.add(bundled);
    }
  }
  return packages;
};

const HEAVY = /^(@aws-sdk\/|@smithy\/|@middy\/|@aws-lambda-powertools\/|@slack\/|dynalite|zod|yaml|luxon)/;

describe('the bundled CLI', () => {
  let outdir: string;
  let meta: Metafile;

  beforeAll(async () => {
    // Inside the project, so that the bundle's external packages resolve from node_modules.
    outdir = await mkdtemp(join('dist', 'cli-test-'));
    await run(process.execPath, ['scripts/build.js', '--quiet', '--outdir', outdir]);
    meta = JSON.parse(await readFile(join(outdir, 'meta.json'), 'utf8')) as Metafile;
  }, 60_000);
  afterAll(async () => {
    if (outdir) await rm(outdir, { recursive: true, force: true });
  });

  it('declares every command without loading the AWS SDK, the local stack or a parser', () => {
    const loaded = [...staticPackages(meta, join(outdir, 'main.js'))];
    expect(loaded).toContain('commander');
    expect(loaded.filter((p) => HEAVY.test(p))).toEqual([]);
  });

  it('validates a policy without loading the AWS SDK', () => {
    const chunk = Object.keys(meta.outputs).find((f) => /readPolicyFile-[^/]*\.js$/.test(f));
    expect(chunk).toBeDefined();
    const loaded = [...staticPackages(meta, chunk ?? '')];
    // Compiled into the chunks: the parsers' own modules are not resolved one by one from node_modules.
    expect(loaded).toEqual(expect.arrayContaining(['zod', 'yaml']));
    // A policy's time zone is checked through Intl (timeZone.ts): luxon is not even compiled.
    expect(loaded).not.toContain('luxon');
    expect(
      meta.outputs[chunk ?? '']?.imports.some((i) => i.external && /^(zod|yaml|luxon)/.test(i.path)),
    ).toBe(false);
    expect(loaded.filter((p) => /^(@aws-sdk|@smithy|dynalite)/.test(p))).toEqual([]);
  });

  it('answers --help and policy validate from the bundle', async () => {
    const main = join(process.cwd(), outdir, 'main.js');
    const script = `const { main } = await import(${JSON.stringify(main)}); process.exitCode = await main(process.argv);`;
    const help = await run(process.execPath, ['--input-type=module', '-e', script, 'poolwarden', '--help']);
    expect(help.stdout).toContain('local');
    expect(help.stdout).toContain('policy');
    const valid = await run(process.execPath, [
      '--input-type=module',
      '-e',
      script,
      'poolwarden',
      'policy',
      'validate',
      'examples/policy.yaml',
    ]);
    expect(valid.stdout).toContain('examples/policy.yaml: valid');
  });

  it('replays a trace from the bundle, its lazily loaded Slack and SNS clients delivering', async () => {
    const trace = join(outdir, 'trace.jsonl');
    const week = await readFile('examples/team-week.jsonl', 'utf8');
    await writeFile(trace, `${week.split('\n').slice(0, 3).join('\n')}\n`);
    const main = join(process.cwd(), outdir, 'main.js');
    const script = `const { main } = await import(${JSON.stringify(main)}); process.exitCode = await main(process.argv);`;
    const local = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        script,
        'poolwarden',
        'local',
        '--trace',
        trace,
        '--ledger',
        'memory',
        '--json',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const report = JSON.parse(local.stdout) as { notifications: { channel: string }[] };
    const channels = report.notifications.map((n) => n.channel);
    // Every notice reaches both channels: a client that failed to load would dead-letter its half.
    expect(channels.filter((c) => c === 'slack').length).toBeGreaterThan(0);
    expect(channels.filter((c) => c === 'slack').length).toBe(channels.filter((c) => c === 'email').length);
  }, 60_000);

  it('builds again for npm start only when a file it was built from changed since', async () => {
    const build = async () =>
      (await run(process.execPath, ['scripts/build.js', '--if-stale', '--outdir', outdir])).stderr;
    const stamp = join(outdir, 'built-at');
    expect(await build()).toContain('is up to date');
    // As if that build had started before every source was last written.
    await writeFile(stamp, '0');
    expect(await build()).toContain('CLI built into');
    expect(Number(await readFile(stamp, 'utf8'))).toBeGreaterThan(0);
    expect(await build()).toContain('is up to date');
    await rm(stamp);
    expect(await build()).toContain('CLI built into');
  }, 60_000);
});
