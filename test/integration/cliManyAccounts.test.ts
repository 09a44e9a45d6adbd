import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../lib/cli/exitCodes';
import { type OpsWorld, startOpsWorld, traceOf } from '../support/opsWorld';
import { runCli } from '../support/runCli';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const RESEARCH = '111122223333';

// The same job in the hub's own account, in research's us-east-1 and in research's eu-west-1.
const trace = traceOf([
  { name: 'tune', submitAt: at(0), owner: 'alice', team: 'vision' },
  { name: 'tune', submitAt: at(0), owner: 'bob', team: 'research', account: RESEARCH },
  { name: 'tune', submitAt: at(0), owner: 'bob', team: 'research', account: RESEARCH, region: 'eu-west-1' },
]);

let world: OpsWorld;

beforeAll(async () => {
  world = await startOpsWorld(trace, { startMs: T0 });
  await world.advanceTo(T0 + 20 * 60_000);
});

afterAll(async () => {
  await world?.stop();
});

const local = ['--local'];

describe('poolwarden pools across accounts and regions', () => {
  it('lists each account and region apart, and filters by them', async () => {
    const all = JSON.parse((await runCli(['pools', 'list', ...local, '--json'])).out) as Array<
      Record<string, unknown>
    >;
    expect(all.map((p) => [p.poolId, p.account, p.region])).toEqual([
      ['111122223333/eu-west-1/tune', RESEARCH, 'eu-west-1'],
      ['111122223333/us-east-1/tune', RESEARCH, 'us-east-1'],
      ['tune', '123456789012', 'us-east-1'],
    ]);
    const research = await runCli([
      'pools',
      'list',
      ...local,
      '--json',
      '--account',
      RESEARCH,
      '--in-region',
      'eu-west-1',
    ]);
    expect(research.code).toBe(EXIT.ok);
    expect((JSON.parse(research.out) as Array<{ poolId: string }>).map((p) => p.poolId)).toEqual([
      '111122223333/eu-west-1/tune',
    ]);
  });

  it('reports figures by account and region', async () => {
    const run = await runCli(['report', '--since', '1d', '--format', 'json', '--local']);
    expect(run.code).toBe(EXIT.ok);
    const report = JSON.parse(run.out) as { byAccount: Record<string, { jobs: number }> };
    expect(Object.keys(report.byAccount).sort()).toEqual([
      '111122223333/eu-west-1',
      '111122223333/us-east-1',
      '123456789012/us-east-1',
    ]);
    const text = await runCli(['report', '--since', '1d', '--local']);
    expect(text.out).toMatch(/ACCOUNT\/REGION/);
    const research = await runCli([
      'report',
      '--since',
      '1d',
      '--format',
      'json',
      '--local',
      '--account',
      RESEARCH,
      '--in-region',
      'eu-west-1',
    ]);
    const narrowed = JSON.parse(research.out) as {
      byAccount: Record<string, unknown>;
      totals: { jobs: number };
    };
    expect(Object.keys(narrowed.byAccount)).toEqual(['111122223333/eu-west-1']);
    expect(narrowed.totals.jobs).toBe(1);
  });

  it("stops one account's pool through its spoke role, leaving the same job elsewhere alone", async () => {
    const run = await runCli(['pools', 'stop', '111122223333/us-east-1/tune', ...local, '--yes']);
    expect(run.code).toBe(EXIT.ok);
    const places = world.emulator.inspectPlaces();
    const status = (account: string, region: string) =>
      places
        .find((p) => p.location.account === account && p.location.region === region)
        ?.jobs.find((j) => j.name === 'tune')?.warmPoolStatus;
    expect(status(RESEARCH, 'us-east-1')).toBe('Terminated');
    expect(status(RESEARCH, 'eu-west-1')).toBe('Available');
    expect(status('123456789012', 'us-east-1')).toBe('Available');
  });
});
