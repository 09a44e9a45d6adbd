import { describe, expect, it, vi } from 'vitest';
import { runWhatif, whatifJobs } from '../../devtools/sim/whatif';
import { main } from '../../lib/cli/main';
import { DEFAULT_POLICY } from '../../lib/domain/policy/defaultPolicy';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import type { TraceJob } from '../../lib/trace/traceJob';
import { sampleTraceJob } from '../support/sampleTraceJob';

const T0 = Date.parse('2026-01-05T09:00:00Z');
const job = (name: string, submitAtMs: number, extra: Partial<TraceJob> = {}): TraceJob =>
  sampleTraceJob(name, submitAtMs, 100, extra);

// Job a starts cold (143 s) and runs 100 s; b comes 300 s after a's pool became Available.
const A_END = T0 + 243_000;
const TRACE = [job('a', T0), job('b', A_END + 300_000)];
const PER_HOUR = DEFAULT_PRICES['ml.g5.xlarge'] ?? 0;
const options = { prices: DEFAULT_PRICES, waitingValuePerHourUsd: 60, noQuotaTypes: ['ml.p5.48xlarge'] };

describe('whatif', () => {
  const report = runWhatif(
    whatifJobs(TRACE, options),
    [{ label: 'default', policy: DEFAULT_POLICY }],
    options,
  );
  const row = (label: string) => report.rows.find((r) => r.label === label)?.result;
  const cold = (122 * (PER_HOUR + 60)) / 3600;

  it('prices no warm pool as two cold starts', () => {
    expect(row('no warm pool')?.totalUsd).toBeCloseTo(2 * cold, 9);
    expect(row('no warm pool')?.waitingUsd).toBeCloseTo((2 * 122 * 60) / 3600, 9);
  });

  it('prices fixed 10 min as one cold start, 300 s idle before the reuse and 600 s after b', () => {
    expect(row('fixed 10 min')?.warmStarts).toBe(1);
    expect(row('fixed 10 min')?.idleUsd).toBeCloseTo((900 * PER_HOUR) / 3600, 9);
    expect(row('fixed 10 min')?.totalUsd).toBeCloseTo(cold + (900 * PER_HOUR) / 3600, 9);
  });

  it('prices the oracle as one cold start and exactly the 300 s idle that buys the reuse', () => {
    expect(row('oracle')?.totalUsd).toBeCloseTo(cold + (300 * PER_HOUR) / 3600, 9);
    expect(report.rows.find((r) => r.label === 'oracle')?.timesOracle).toBe(1);
  });

  it("honours the trace's reality: a job that asks for no keep-alive leaves no pool", () => {
    const zero = [job('a', T0, { keepAliveSeconds: 0 }), job('b', A_END + 300_000)];
    const r = runWhatif(whatifJobs(zero, options), [], options);
    expect(r.rows.find((x) => x.label === 'fixed 10 min')?.result.warmStarts).toBe(0);
    expect(r.jobsWithoutPool.noKeepAlive).toBe(1);
  });

  it('prints the table from the command line', async () => {
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => {
      printed.push(line);
    });
    try {
      const code = await main([
        'node',
        'poolwarden',
        'whatif',
        '--trace',
        'examples/reuse-basic.jsonl',
        '--json',
      ]);
      expect(code).toBe(0);
    } finally {
      log.mockRestore();
    }
    const json = JSON.parse(printed.join('\n')) as { rows: { label: string; timesOracle: number | null }[] };
    expect(json.rows.map((r) => r.label)).toContain('oracle');
    expect(json.rows.map((r) => r.label)).toContain('built-in default policy');
  });
});
