import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpsReport } from '../../lib/app/opsReport';
import { EXIT } from '../../lib/cli/exitCodes';
import { parseTraceOrThrow } from '../../lib/trace/parseTrace';
import { findChromium, renderDom } from '../support/chromium';
import { type OpsWorld, startOpsWorld, traceOf } from '../support/opsWorld';
import { runCli } from '../support/runCli';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

const trace = traceOf([
  { name: 'alice-first', submitAt: at(0), owner: 'alice', team: 'vision' },
  { name: 'alice-again', submitAt: at(20), durationSeconds: 300, owner: 'alice', team: 'vision' },
  { name: 'alice-third', submitAt: at(35), durationSeconds: 300, owner: 'alice', team: 'vision' },
  {
    name: 'bob-big',
    submitAt: at(5),
    instanceType: 'ml.g5.2xlarge',
    instanceCount: 2,
    owner: 'bob',
    team: 'nlp',
  },
  {
    name: 'carol-short',
    submitAt: at(2),
    durationSeconds: 300,
    keepAliveSeconds: 600,
    instanceType: 'ml.m5.xlarge',
    owner: 'carol',
    team: 'risk',
  },
  {
    name: 'dave-no-quota',
    submitAt: at(1),
    instanceType: 'ml.p5.48xlarge',
    keepAliveSeconds: 600,
    owner: 'dave',
    team: 'nlp',
  },
  // Created after the window the import reads.
  { name: 'erin-late', submitAt: at(300), owner: 'erin', team: 'vision' },
]);

let world: OpsWorld;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'poolwarden-report-'));
  world = await startOpsWorld(trace, { startMs: T0, quotas: { 'ml.p5.48xlarge': 0 } });
  await world.advanceTo(T0 + 30 * 60_000);
  // An operator stops bob's pool; the rest runs its course.
  expect((await runCli(['pools', 'stop', 'bob-big', '--yes', '--local'], { operator: 'oncall' })).code).toBe(
    EXIT.ok,
  );
  await world.advanceTo(T0 + 50 * 60_000);
  expect((await runCli(['pools', 'extend', 'alice-third', '--by', '10m', '--yes', '--local'])).code).toBe(
    EXIT.ok,
  );
  await world.advanceTo(T0 + 180 * 60_000);
});

afterAll(async () => {
  await world?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('poolwarden report against the local stack', () => {
  it('reports reuse, cold starts avoided, idle cost by team and owner, and actions (json)', async () => {
    const run = await runCli(['report', '--since', '1d', '--format', 'json', '--local']);
    expect(run.code).toBe(EXIT.ok);
    const report = JSON.parse(run.out) as OpsReport;
    expect(report.totals.jobs).toBe(6);
    expect(report.totals.reuses).toBe(2);
    expect(report.totals.coldStartsAvoided).toBe(2);
    expect(report.totals.reuseRate).toBeCloseTo(2 / 6, 5);
    expect(report.totals.startupSecondsSaved).toBeGreaterThan(0);
    expect(report.totals.keepAliveWithoutPool).toBe(1);
    expect(report.totals.idleBillableSeconds).toBeGreaterThan(0);
    expect(report.totals.idleCostUsd).toBeGreaterThan(0);
    expect(Object.keys(report.byTeam).sort()).toEqual(['nlp', 'risk', 'vision']);
    expect(report.byTeam.vision?.reuses).toBe(2);
    expect(report.byOwner.bob?.idleCostUsd).toBeGreaterThan(0);
    expect(report.actions['stop/applied']).toBe(1);
    expect(report.actions['extend/applied']).toBe(1);
    expect(report.actors.operator).toBe(2);
    const team = Object.values(report.byTeam).reduce((s, g) => s + g.idleCostUsd, 0);
    expect(team).toBeCloseTo(report.totals.idleCostUsd, 6);
  });

  it('prints the same as a table', async () => {
    const run = await runCli(['report', '--since', '1d', '--local']);
    expect(run.code).toBe(EXIT.ok);
    expect(run.out).toContain('reuse rate            33.3% (2 jobs reused a warm pool)');
    expect(run.out).toMatch(/TEAM\s+JOBS\s+REUSES/);
    expect(run.out).toMatch(/stop\/applied\s+1/);
  });

  it('writes one self-contained HTML file that a browser shows with the totals and a row per pool', async () => {
    const file = join(dir, 'report.html');
    const run = await runCli(['report', '--since', '1d', '--format', 'html', '--out', file, '--local']);
    expect(run.code).toBe(EXIT.ok);
    const html = await readFile(file, 'utf8');
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const chromium = findChromium();
    if (!chromium) {
      // .ci/run installs Debian's chromium: in CI its absence is a failure, on a laptop a warning.
      if (process.env.CI)
        throw new Error('chromium is not installed: .ci/run should apt-get install -y chromium');
      console.warn(
        'chromium is not installed (apt-get install -y chromium): skipped rendering the HTML report',
      );
      return;
    }
    const dom = await renderDom(chromium, file, dir);
    expect(dom).toContain('33.3%');
    // alice's chain, bob's and carol's pools; dave's job had no pool (quota 0).
    expect(dom.match(/class="pool-row"/g)?.length).toBe(3);
    expect(dom).toMatch(/class="mark stopped"/);
    expect(dom).toMatch(/class="mark extended"/);
    expect(dom).toMatch(/class="mark reused"/);
    expect(dom.match(/class="bar"/g)?.length).toBe(6);
  });
});

describe('poolwarden import against the local stack', () => {
  it("turns the account's history into a trace the local stack can replay", async () => {
    const file = join(dir, 'trace.jsonl');
    const run = await runCli([
      'import',
      '--since',
      '2026-03-02T08:00:00Z',
      '--until',
      '2026-03-02T10:00:00Z',
      '--out',
      file,
      '--local',
    ]);
    expect(run.code).toBe(EXIT.ok);
    expect(run.err).toContain('6 of 6 jobs written');
    const byName = new Map(parseTraceOrThrow(await readFile(file, 'utf8')).map((j) => [j.name, j]));
    expect([...byName.keys()]).toEqual([
      'alice-first',
      'dave-no-quota',
      'carol-short',
      'bob-big',
      'alice-again',
      'alice-third',
    ]);
    const original = trace.find((j) => j.name === 'bob-big');
    expect(byName.get('bob-big')).toMatchObject({
      submitAt: original?.submitAt,
      instanceType: 'ml.g5.2xlarge',
      instanceCount: 2,
      volumeSizeInGB: 50,
      // DescribeTrainingJob shows the keep-alive as last set: the operator's stop set it to 0.
      keepAliveSeconds: 0,
      roleArn: original?.roleArn,
      tags: { owner: 'bob', team: 'nlp' },
      outcome: 'Completed',
      durationSeconds: 600,
    });
    expect(byName.get('alice-again')).toMatchObject({ keepAliveSeconds: 3600, durationSeconds: 300 });
  });

  it('says when the window is empty or backwards', async () => {
    const backwards = await runCli([
      'import',
      '--since',
      '2026-03-03',
      '--until',
      '2026-03-02',
      '--out',
      '-',
      '--local',
    ]);
    expect(backwards.code).toBe(EXIT.usage);
  });
});
