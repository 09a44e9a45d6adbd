import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runLocal } from '../../devtools/local/runLocal';
import { generateTrace } from '../../devtools/local/trace/generateTrace';
import { main } from '../../lib/cli/main';
import { readPolicyFile } from '../../lib/policyFile/readPolicyFile';
import { parseTraceOrThrow } from '../../lib/trace/parseTrace';
import { readTraceFile } from '../../lib/trace/readTraceFile';

/**
 * The local stack end to end: the real functions and SDK clients against dynalite, the
 * SageMaker emulator, the SNS endpoint and the Slack sink; the SDK's requests reach dynalite
 * and the emulator in process unless a test asks for loopback HTTP.
 */
describe('the local stack', () => {
  it('records exactly which job reused which pool, what expired and what it cost (kill switch on)', async () => {
    const lines: string[] = [];
    const { report } = await runLocal({
      trace: await readTraceFile('examples/reuse-basic.jsonl'),
      killSwitch: true,
      onLine: (line) => lines.push(line),
    });
    expect(report.jobs.map((j) => [j.name, j.status, j.reusedPoolOf, j.startupSeconds])).toEqual([
      ['alice-cold-start', 'Completed', null, 143],
      ['alice-warm-reuse', 'Completed', 'alice-cold-start', 21],
      ['alice-bigger-disk', 'Completed', null, 143],
      ['alice-after-expiry', 'Completed', null, 143],
    ]);
    expect(report.pools).toEqual([
      expect.objectContaining({
        poolId: 'alice-cold-start',
        jobs: ['alice-cold-start', 'alice-warm-reuse'],
        status: 'Terminated',
        reuseCount: 1,
        // 457 s idle before the reuse, then the reuser's full 600 s keep-alive.
        idleBillableSeconds: 1057,
        endedBy: 'expired',
        owner: 'alice',
        team: 'vision',
      }),
    ]);
    expect(report.summary).toMatchObject({
      jobs: 4,
      reuses: 1,
      coldStarts: 3,
      idleBillableSeconds: 1057,
      startupSecondsSaved: 122,
      nearMisses: 1,
    });
    expect(report.check).toEqual({ ledgerMatchesEmulator: true, mismatches: [] });
    expect(lines.some((l) => l.includes('near miss') && l.includes('volumeSizeInGB 50 vs 100'))).toBe(true);
    expect(
      lines.some(
        (l) => l.includes('pool reused') && l.includes('alice-warm-reuse took the pool of alice-cold-start'),
      ),
    ).toBe(true);
    // Owners hear of their pools on Slack and by email.
    const kinds = new Set(report.notifications.map((n) => `${n.kind}/${n.channel}`));
    for (const kind of [
      'pool-available/slack',
      'pool-available/email',
      'near-miss/slack',
      'near-miss/email',
    ]) {
      expect(kinds.has(kind)).toBe(true);
    }
    // With every action a dry run, poolwarden changed nothing against the jobs' own keep-alive.
    expect(report.summary.withoutPoolwarden).toEqual({
      reuses: 1,
      coldStarts: 3,
      idleBillableSeconds: 1057,
      idleCostUsd: 0.41,
    });
    expect(report.summary.idleCostSavedUsd).toBe(0);
    expect(report.summary.extraColdStarts).toBe(0);
    expect(
      report.notifications.filter((n) => n.kind === 'pool-available' && n.job === 'alice-cold-start'),
    ).toHaveLength(2);
  });

  it('reports a saving of exactly 0 when nothing differed from the baseline (kill switch on)', async () => {
    const trace = await readTraceFile('examples/incident-day.jsonl');
    const { report } = await runLocal({ trace, killSwitch: true });
    expect(report.summary.idleBillableSeconds).toBe(report.summary.withoutPoolwarden.idleBillableSeconds);
    expect(report.summary.idleCostUsd).toBe(report.summary.withoutPoolwarden.idleCostUsd);
    expect(Object.is(report.summary.idleCostSavedUsd, 0)).toBe(true);
  });

  it('ends with the same ledger when events arrive duplicated, late and out of order', async () => {
    const trace = await readTraceFile('examples/reuse-basic.jsonl');
    const calm = await runLocal({ trace, killSwitch: true });
    const storm = await runLocal({
      trace,
      killSwitch: true,
      chaosSeed: 7,
      chaos: { duplicateProbability: 0.6, maxDelaySeconds: 900 },
    });
    expect(storm.report.delivery.extraCopies).toBeGreaterThan(0);
    expect(storm.report.jobs).toEqual(calm.report.jobs);
    expect(storm.report.pools).toEqual(calm.report.pools);
    expect(storm.report.check.ledgerMatchesEmulator).toBe(true);
    // Duplicates produce no duplicate messages.
    const sent = (r: typeof calm) =>
      r.report.notifications.map((n) => `${n.job}/${n.kind}/${n.channel}`).sort();
    expect(new Set(sent(storm))).toEqual(new Set(sent(calm)));
    expect(sent(storm).length).toBe(new Set(sent(storm)).size);
  });

  it('converges under lost events, crashed invocations and throttling, and counts calls at the emulators', async () => {
    const trace = await readTraceFile('examples/incident-day.jsonl');
    const calm = await runLocal({ trace, killSwitch: true });
    const faulty = await runLocal({
      trace,
      killSwitch: true,
      chaosSeed: 3,
      faults: { drop: 0.3, crash: 0.2, throttle: 0.2 },
    });
    expect(faulty.report.delivery.dropped).toBeGreaterThan(0);
    expect(faulty.report.delivery.crashed).toBeGreaterThan(0);
    expect(faulty.report.check).toEqual({ ledgerMatchesEmulator: true, mismatches: [] });
    expect(faulty.report.jobs).toEqual(calm.report.jobs);
    expect(faulty.report.summary.idleBillableSeconds).toBe(calm.report.summary.idleBillableSeconds);
    expect(calm.report.api.sagemaker.DescribeTrainingJob).toBeGreaterThan(0);
    expect(calm.report.api.dynamodb.UpdateItem).toBeGreaterThan(0);
    expect(calm.report.delivery).toMatchObject({ dropped: 0, crashed: 0, throttled: 0 });
    // The SDK's retry back-off sleeps in real time; no bound on how long that takes here.
  }, 300_000);

  it('applies a policy: the decisions show in the timeline and in actions', async () => {
    const lines: string[] = [];
    const { report } = await runLocal({
      trace: await readTraceFile('examples/reuse-basic.jsonl'),
      policy: await readPolicyFile('examples/policy.yaml'),
      onLine: (line) => lines.push(line),
    });
    expect(report.actions.length).toBeGreaterThan(0);
    for (const action of report.actions) {
      expect(action.actor).toMatch(/^policy:/);
      expect(action.rule).toBeTruthy();
      expect(action.reason.length).toBeGreaterThan(10);
      expect(action.dryRun).toBe(false);
    }
    expect(lines.some((l) => l.includes('action ') && l.includes('by policy:'))).toBe(true);
    expect(report.check.ledgerMatchesEmulator).toBe(true);
    expect(report.summary.withoutPoolwarden.coldStarts).toBe(3);
  });

  it('ends the same over loopback HTTP, in process and with the memory ledger', async () => {
    const trace = await readTraceFile('examples/reuse-basic.jsonl');
    const policy = await readPolicyFile('examples/policy.yaml');
    // The wire protocols stay honest: the same run with every SDK request over loopback HTTP.
    const overHttp = await runLocal({ trace, policy, transport: 'http' });
    const inProcess = await runLocal({ trace, policy });
    const inMemory = await runLocal({ trace, policy, ledger: 'memory' });
    // What differs by transport is only what was counted: the DynamoDB requests (none with memory).
    const outcome = ({ report }: typeof overHttp) => {
      const { delivery, api, ...rest } = report;
      return { ...rest, sagemakerCalls: api.sagemaker };
    };
    expect(overHttp.report.check.ledgerMatchesEmulator).toBe(true);
    expect(outcome(inProcess)).toEqual(outcome(overHttp));
    expect(outcome(inMemory)).toEqual(outcome(overHttp));
    expect(inMemory.report.delivery).toEqual(overHttp.report.delivery);
  });

  it('sweeps only where a sweep could act, with the same results as a sweep every minute', async () => {
    // Two days of mixed work: idle limits, working hours, expiry warnings, reuse, reconciling.
    const trace = generateTrace({
      seed: 13,
      start: '2026-03-02T00:00:00Z',
      days: 2,
      scale: 1,
      workload: 'mixed',
    });
    const policy = await readPolicyFile('examples/policy.yaml');
    const everyMinute = await runLocal({ trace, policy, ledger: 'memory', sweepTiming: 'every-minute' });
    const nextEvent = await runLocal({ trace, policy, ledger: 'memory' });
    // How many sweeps ran, and so how many wakes they asked for, is what the timings differ in.
    const withoutSweepCount = ({ report }: typeof everyMinute) => {
      const { sweeps, ...delivery } = report.delivery;
      const { scheduler, ...api } = report.api;
      return { ...report, delivery, api };
    };
    expect(everyMinute.report.actions.length).toBeGreaterThan(10);
    expect(withoutSweepCount(nextEvent)).toEqual(withoutSweepCount(everyMinute));
    expect(nextEvent.report.delivery.sweeps).toBeLessThan(everyMinute.report.delivery.sweeps);
    // The sweeps ran at the wakes the functions asked the Scheduler stand-in for.
    expect(nextEvent.report.api.scheduler?.CreateSchedule).toBeGreaterThan(0);
  }, 120_000);

  it('late end events: sweeps watch within their invocation in virtual time, the same in either timing', async () => {
    const trace = generateTrace({
      seed: 13,
      start: '2026-03-02T00:00:00Z',
      days: 1,
      scale: 1,
      workload: 'mixed',
    });
    const policy = await readPolicyFile('examples/policy.yaml');
    const chaos = { chaosSeed: 5, chaos: { duplicateProbability: 0, maxDelaySeconds: 600 } };
    const calm = await runLocal({ trace, policy, ledger: 'memory' });
    expect(calm.catchUpSeconds).toBe(0);
    const everyMinute = await runLocal({
      trace,
      policy,
      ledger: 'memory',
      sweepTiming: 'every-minute',
      ...chaos,
    });
    const nextEvent = await runLocal({ trace, policy, ledger: 'memory', ...chaos });
    // Virtual time moved on while sweeps waited (events delivered meanwhile); nothing slept.
    expect(nextEvent.catchUpSeconds).toBeGreaterThan(0);
    expect(nextEvent.report.check.ledgerMatchesEmulator).toBe(true);
    // How many sweeps ran, and so how many wakes they asked for, is what the timings differ in.
    const withoutSweepCount = ({ report }: typeof everyMinute) => {
      const { sweeps, ...delivery } = report.delivery;
      const { scheduler, ...api } = report.api;
      return { ...report, delivery, api };
    };
    expect(withoutSweepCount(nextEvent)).toEqual(withoutSweepCount(everyMinute));
    expect(nextEvent.catchUpSeconds).toBe(everyMinute.catchUpSeconds);
  }, 120_000);

  it('a bad trace stops the run before anything starts, naming the line and the field', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (message: string) => errors.push(message);
    try {
      expect(await main(['node', 'poolwarden', 'local', '--trace', 'examples/bad-trace.jsonl'])).toBe(3);
    } finally {
      console.error = original;
    }
    expect(errors.join('\n')).toContain('bad-trace.jsonl:2: field "instanceCount"');
    expect(() => parseTraceOrThrow('{"name":"x"}\n', 'inline')).toThrow(/inline:1/);
    expect((await readFile('examples/bad-trace.jsonl', 'utf8')).length).toBeGreaterThan(0);
  });
});
