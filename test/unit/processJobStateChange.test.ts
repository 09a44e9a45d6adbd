import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { MemoryUsageStats } from '../../lib/adapters/memory/memoryUsageStats';
import { powertoolsTelemetry } from '../../lib/adapters/telemetry/powertoolsTelemetry';
import type { FactReactor } from '../../lib/app/factReactor';
import type { LedgerFact } from '../../lib/app/ledgerFacts';
import {
  type ProcessDeps,
  processJobStateChange,
  ReactorsFailedError,
} from '../../lib/app/processJobStateChange';
import { usageStatsReactor } from '../../lib/app/usageStatsReactor';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { parseJobStateChange } from '../../lib/events/jobStateChange';
import type { Telemetry } from '../../lib/ports/telemetry';
import type { TrainingJobDescription } from '../../lib/ports/trainingJobs';
import { jobEvent, T0 } from '../support/jobEvents';
import { printedLines } from '../support/printedLines';
import { recordingTelemetry } from '../support/recordingTelemetry';

const depsWith = (telemetry: Telemetry, reactors: FactReactor[]): ProcessDeps => ({
  ledger: new MemoryLedger(),
  trainingJobs: {
    describe: async (name) => ({
      name,
      status: 'Completed',
      instanceType: 'ml.g5.xlarge',
      endedAtMs: T0 + 600_000,
      keepAliveSeconds: 1800,
      warmPool: { status: 'Available' },
    }),
    setKeepAlive: async () => {},
  },
  clock: { now: () => T0 + 601_000 },
  limits: DEFAULT_KEEP_ALIVE_LIMITS,
  describeConcurrency: 2,
  tagKeys: DEFAULT_OWNER_TAG_KEYS,
  telemetry,
  reactors,
});

/** What a Powertools logger at INFO prints while `run` runs. */
const printedBy = (run: (telemetry: Telemetry) => Promise<unknown>): Promise<string[]> =>
  printedLines(() =>
    run(
      powertoolsTelemetry(
        new Logger({ serviceName: 'poolwarden', logLevel: 'INFO' }),
        new Metrics({ namespace: 'poolwarden' }),
      ),
    ),
  );

const silentTelemetryFor = (): Telemetry => recordingTelemetry().telemetry;

describe('processJobStateChange', () => {
  it('logs a refused event in one Powertools line naming the field and what is wrong (no key dropped)', async () => {
    const event = jobEvent({ id: 'bad-2' });
    const lines = await printedBy((telemetry) =>
      processJobStateChange(
        {
          ...event,
          detail: { ...event.detail, ResourceConfig: { ...event.detail.ResourceConfig, InstanceCount: -5 } },
        },
        depsWith(telemetry, []),
      ),
    );
    expect(lines.join('\n')).not.toMatch(/reserved key/);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'ERROR',
      eventId: 'bad-2',
      field: 'detail.ResourceConfig.InstanceCount',
      reason: expect.stringMatching(/>=\s*1/),
    });
    expect(line.message).toMatch(/^rejected a training job event: detail\.ResourceConfig\.InstanceCount: /);
  });

  it('keeps a field a caller names `message` (Powertools reserves the key)', async () => {
    const lines = await printedBy(async (telemetry) =>
      telemetry.warn('hello', { message: 'kept', level: 'x' }),
    );
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      message: 'hello',
      messageField: 'kept',
      levelField: 'x',
    });
  });

  it('counts what it learned and hands the facts to every reactor', async () => {
    const seen: LedgerFact['kind'][] = [];
    const { telemetry, counts } = recordingTelemetry();
    await processJobStateChange(
      jobEvent(),
      depsWith(telemetry, [{ name: 'spy', react: async (f) => void seen.push(...f.map((x) => x.kind)) }]),
    );
    expect(seen).toEqual(['job-ended', 'pool-available']);
    expect(Object.fromEntries(counts)).toEqual({ EventsReceived: 1, JobsEnded: 1, PoolsAvailable: 1 });
  });

  it('records when an end event arrived, also when a listing recorded the end first; a copy keeps the first arrival', async () => {
    let nowMs = T0 + 601_000;
    const deps = { ...depsWith(silentTelemetryFor(), []), clock: { now: () => nowMs } };
    // A listing adopted the end first, with a newer snapshot than the event's.
    const event = jobEvent({ name: 'adopted' });
    const parsed = parseJobStateChange(event, DEFAULT_OWNER_TAG_KEYS);
    if (!parsed.ok) throw new Error(parsed.rejection.message);
    const listed = { ...parsed.snapshot, lastModifiedMs: parsed.snapshot.lastModifiedMs + 1_000 };
    await deps.ledger.recordSnapshot(listed);
    expect((await processJobStateChange(event, deps)).kind).toBe('stale');
    expect((await deps.ledger.getJob('adopted'))?.endEventAtMs).toBe(T0 + 601_000);
    nowMs += 60_000;
    await processJobStateChange(event, deps);
    expect((await deps.ledger.getJob('adopted'))?.endEventAtMs).toBe(T0 + 601_000);

    // An end event that applies records its arrival with its snapshot; a start event records none.
    await processJobStateChange(jobEvent({ name: 'started', status: 'InProgress' }), deps);
    expect((await deps.ledger.getJob('started'))?.endEventAtMs).toBeUndefined();
    await processJobStateChange(jobEvent({ name: 'started' }), deps);
    expect((await deps.ledger.getJob('started'))?.endEventAtMs).toBe(nowMs);
  });

  it('keeps the ledger write when a reactor fails, runs the others, and throws so the event is retried', async () => {
    const { telemetry, counts, errors } = recordingTelemetry();
    const heard: string[] = [];
    const deps = depsWith(telemetry, [
      { name: 'broken', react: async () => Promise.reject(new Error('notification log unreachable')) },
      { name: 'after', react: async (facts) => void heard.push(...facts.map((f) => f.kind)) },
    ]);
    await expect(processJobStateChange(jobEvent(), deps)).rejects.toBeInstanceOf(ReactorsFailedError);
    expect((await deps.ledger.getJob('train-a'))?.pool?.status).toBe('Available');
    expect(heard).toEqual(['job-ended', 'pool-available']);
    expect(counts.get('ReactorFailures')).toBe(1);
    expect(errors[0]?.fields).toMatchObject({ reactor: 'broken', error: 'notification log unreachable' });
    // The retry finds the ledger already right and gives the reactor another chance.
    const retried = await processJobStateChange(jobEvent(), { ...deps, reactors: [] });
    expect(retried.kind).toBe('applied');
  });

  it('judges a near miss against the pools Available when the job was submitted, once per job', async () => {
    const MIN = 60_000;
    const ends = new Map<string, number>();
    const nearMisses: string[] = [];
    const deps: ProcessDeps = {
      ...depsWith(silentTelemetryFor(), [
        {
          name: 'near misses',
          react: async (facts) => {
            for (const f of facts)
              if (f.kind === 'near-miss') nearMisses.push(`${f.job.name}->${f.nearMiss.poolOf}`);
          },
        },
      ]),
      trainingJobs: {
        describe: async (name) => ({
          name,
          status: 'Completed',
          instanceType: 'ml.g5.xlarge',
          endedAtMs: ends.get(name) ?? T0,
          keepAliveSeconds: 3600,
          warmPool: { status: 'Available' },
        }),
        setKeepAlive: async () => {},
      },
      clock: { now: () => T0 + 120 * MIN },
    };
    const owner = { owner: 'alice' };
    const ended = (
      name: string,
      createdAtMs: number,
      endedAtMs: number,
      o: Parameters<typeof jobEvent>[0],
    ) => {
      ends.set(name, endedAtMs);
      return jobEvent({ name, createdAtMs, endedAtMs, tags: owner, ...o });
    };
    // A pool Available before b is submitted, differing in the volume.
    await processJobStateChange(ended('a', T0 - 60 * MIN, T0 - 10 * MIN, { volumeSizeInGB: 50 }), deps);
    // b starts: a near miss on a's pool.
    await processJobStateChange(
      jobEvent({ name: 'b', status: 'InProgress', createdAtMs: T0, volumeSizeInGB: 30, tags: owner }),
      deps,
    );
    // c leaves a pool closer to b's criteria, but only after b started.
    await processJobStateChange(
      ended('c', T0 - 30 * MIN, T0 + 5 * MIN, { volumeSizeInGB: 30, instanceCount: 2 }),
      deps,
    );
    // b ends: no second near miss, and none naming c's pool.
    await processJobStateChange(ended('b', T0, T0 + 20 * MIN, { volumeSizeInGB: 30 }), deps);
    // d's start event was lost: its end is judged against what was Available at its submission (a only).
    await processJobStateChange(
      ended('d', T0 + 1 * MIN, T0 + 30 * MIN, { volumeSizeInGB: 30, instanceCount: 4 }),
      deps,
    );
    expect(nearMisses).toEqual(['b->a', 'd->a']);
  });

  it('counts a rejected event and logs the field at fault', async () => {
    const { telemetry, counts, errors } = recordingTelemetry();
    const event = jobEvent({ id: 'evt-9' });
    await processJobStateChange(
      { ...event, detail: { ...event.detail, RoleArn: 42 } },
      depsWith(telemetry, []),
    );
    expect(counts.get('EventsRejected')).toBe(1);
    expect(errors[0]?.fields).toMatchObject({ eventId: 'evt-9', field: 'detail.RoleArn' });
  });
});

describe('processJobStateChange: a reuse told again when its event comes back', () => {
  /** Job A's pool is Available; job B starts on it; `takenBy` says what SageMaker answers of A. */
  const world = () => {
    const ledger = new MemoryLedger();
    const takenBy = new Map<string, string>();
    const seen: LedgerFact[] = [];
    const failing = { next: false };
    const { telemetry, counts } = recordingTelemetry();
    const deps = (nowMs: number, presumeReuse = false): ProcessDeps => ({
      ...depsWith(telemetry, [
        {
          name: 'usage-stats',
          react: async (facts) => {
            if (failing.next) {
              failing.next = false;
              throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
                name: 'ThrottlingException',
              });
            }
            seen.push(...facts);
          },
        },
      ]),
      ledger,
      trainingJobs: {
        describe: async (name): Promise<TrainingJobDescription> => {
          const taker = takenBy.get(name);
          return {
            name,
            status: 'Completed',
            instanceType: 'ml.g5.xlarge',
            endedAtMs: T0 + 600_000,
            keepAliveSeconds: 1800,
            warmPool: taker
              ? { status: 'Reused', reusedByJob: taker, billableSeconds: 900 }
              : { status: 'Available' },
          };
        },
        setKeepAlive: async () => {},
      },
      clock: { now: () => nowMs },
      presumeReuse,
    });
    const start = jobEvent({
      name: 'job-b',
      status: 'InProgress',
      createdAtMs: T0 + 1_500_000,
      startedAtMs: T0 + 1_520_000,
    });
    const reusesSeen = () => seen.filter((f) => f.kind === 'pool-reused').map((f) => f.toJob);
    return { ledger, takenBy, seen, failing, counts, deps, start, reusesSeen };
  };

  it('a start event retried after its reactor failed tells the reuse it linked, once more', async () => {
    const w = world();
    await processJobStateChange(jobEvent({ name: 'job-a', status: 'Completed' }), w.deps(T0 + 601_000));
    w.takenBy.set('job-a', 'job-b');
    w.failing.next = true;
    await expect(processJobStateChange(w.start, w.deps(T0 + 1_530_000))).rejects.toThrow(ReactorsFailedError);
    expect((await w.ledger.getJob('job-b'))?.reusedPoolOf).toBe('job-a');
    // Lambda retries the event a minute later: the link is there, the reactors hear of it now.
    await processJobStateChange(w.start, w.deps(T0 + 1_590_000));
    expect(w.reusesSeen()).toEqual(['job-b']);
    // Its end event is not a redelivery: the reuse is not told a third time.
    await processJobStateChange(
      jobEvent({ name: 'job-b', status: 'Completed', createdAtMs: T0 + 1_500_000 }),
      w.deps(T0 + 2_200_000),
    );
    expect(w.reusesSeen()).toEqual(['job-b']);
  });

  it('a retried start whose first try died between the link and the Reused write finishes the pool', async () => {
    const w = world();
    await processJobStateChange(jobEvent({ name: 'job-a', status: 'Completed' }), w.deps(T0 + 601_000));
    w.takenBy.set('job-a', 'job-b');
    const ledger = w.ledger;
    const observePool = ledger.observePool.bind(ledger);
    let dies = true;
    ledger.observePool = async (record, state) => {
      if (dies && state.status === 'Reused') {
        dies = false;
        throw new Error('the invocation died');
      }
      return observePool(record, state);
    };
    await expect(processJobStateChange(w.start, w.deps(T0 + 1_530_000))).rejects.toThrow('died');
    expect((await ledger.getJob('job-a'))?.pool?.status).toBe('Available');
    await processJobStateChange(w.start, w.deps(T0 + 1_590_000));
    expect((await ledger.getJob('job-a'))?.pool?.status).toBe('Reused');
    expect(w.reusesSeen()).toEqual(['job-b']);
  });

  it('a retried start whose first try died between the link and the presumption mark counts the reuse', async () => {
    const w = world();
    await processJobStateChange(jobEvent({ name: 'job-a', status: 'Completed' }), w.deps(T0 + 601_000));
    const ledger = w.ledger;
    const presumeReuse = ledger.presumeReuse.bind(ledger);
    let dies = true;
    ledger.presumeReuse = async (poolOf, byJob, createdAtMs) => {
      if (dies) {
        dies = false;
        throw new Error('the invocation died');
      }
      return presumeReuse(poolOf, byJob, createdAtMs);
    };
    await expect(processJobStateChange(w.start, w.deps(T0 + 1_530_000, true))).rejects.toThrow('died');
    expect((await ledger.getJob('job-b'))?.reusedPoolOf).toBe('job-a');
    expect((await ledger.getJob('job-a'))?.pool?.presumedTakenBy).toBeUndefined();
    // Nothing was told the first time: the retry's mark is the reuse's first telling, and counts.
    await processJobStateChange(w.start, w.deps(T0 + 1_590_000, true));
    expect((await ledger.getJob('job-a'))?.pool?.presumedTakenBy).toBe('job-b');
    expect(w.seen.filter((f) => f.kind === 'pool-reused').map((f) => [f.toJob, f.retold])).toEqual([
      ['job-b', undefined],
    ]);
    expect([w.counts.get('ReusesRecorded'), w.counts.get('ReusesPresumed')]).toEqual([1, 1]);
  });
});

// A reuse told again (a duplicate start event, a stale copy) repeats the reactors' writes but
// counts in neither the ReusesRecorded nor the IdleCostUsd metric again.
describe('processJobStateChange: a duplicate start event of a warm job', () => {
  it('counts the reuse and its idle cost once', async () => {
    const ledger = new MemoryLedger();
    const stats = new MemoryUsageStats();
    const counts = new Map<string, number>();
    let idleUsd = 0;
    const telemetry: Telemetry = {
      info: () => {},
      warn: () => {},
      error: () => {},
      count: (m, v = 1) => counts.set(m, (counts.get(m) ?? 0) + v),
    };
    const takenBy = new Map<string, string>();
    const deps = (nowMs: number): ProcessDeps => ({
      ledger,
      trainingJobs: {
        describe: async (name): Promise<TrainingJobDescription> => ({
          name,
          status: 'Completed',
          instanceType: 'ml.g5.xlarge',
          endedAtMs: T0 + 600_000,
          keepAliveSeconds: 1800,
          warmPool: takenBy.has(name)
            ? { status: 'Reused', reusedByJob: takenBy.get(name) as string, billableSeconds: 900 }
            : { status: 'Available' },
        }),
        setKeepAlive: async () => {},
      },
      clock: { now: () => nowMs },
      limits: DEFAULT_KEEP_ALIVE_LIMITS,
      describeConcurrency: 2,
      tagKeys: DEFAULT_OWNER_TAG_KEYS,
      telemetry,
      reactors: [usageStatsReactor(stats, DEFAULT_PRICES, { onIdleSpend: (usd) => (idleUsd += usd) })],
    });
    await processJobStateChange(jobEvent({ name: 'job-a', status: 'Completed' }), deps(T0 + 601_000));
    takenBy.set('job-a', 'job-b');
    const start = jobEvent({
      name: 'job-b',
      status: 'InProgress',
      createdAtMs: T0 + 1_500_000,
      startedAtMs: T0 + 1_520_000,
    });
    await processJobStateChange(start, deps(T0 + 1_530_000));
    const once = { reuses: counts.get('ReusesRecorded'), idleUsd };
    expect(once.reuses).toBe(1);
    expect(once.idleUsd).toBeGreaterThan(0);
    // SageMaker "may send multiple events for each state change": the same start event again,
    // every reactor having succeeded the first time.
    await processJobStateChange({ ...start, id: 'evt-dup' }, deps(T0 + 1_531_000));
    // And an older SecondaryStatus copy arriving after a newer one (a stale InProgress event).
    await processJobStateChange(
      jobEvent({
        name: 'job-b',
        status: 'InProgress',
        createdAtMs: T0 + 1_500_000,
        startedAtMs: T0 + 1_520_000,
        lastModifiedMs: T0 + 1_560_000,
        secondaryStatus: 'Training',
      }),
      deps(T0 + 1_561_000),
    );
    await processJobStateChange({ ...start, id: 'evt-late-copy' }, deps(T0 + 1_562_000));
    expect({ reuses: counts.get('ReusesRecorded'), idleUsd }).toEqual(once);
  });
});

// The end of a job whose pool had already left Available: its first delivery records where the
// pool went and counts it; a duplicate, or Lambda's retry after a reactor failed, finds the pool
// at that state already and tells it again for the reactors, counted neither time.
describe('processJobStateChange: a duplicate end event of a job whose pool already left', () => {
  const world = (warmPool: TrainingJobDescription['warmPool']) => {
    const ledger = new MemoryLedger();
    const stats = new MemoryUsageStats();
    const counts = new Map<string, number>();
    const spent = { idleUsd: 0 };
    const failing = { next: false };
    const telemetry: Telemetry = {
      info: () => {},
      warn: () => {},
      error: () => {},
      count: (m, v = 1) => counts.set(m, (counts.get(m) ?? 0) + v),
    };
    const failingOnce: FactReactor = {
      name: 'failing-once',
      react: async () => {
        if (failing.next) {
          failing.next = false;
          throw new Error('Rate of requests exceeds the allowed throughput');
        }
      },
    };
    const deps = (nowMs: number): ProcessDeps => ({
      ledger,
      trainingJobs: {
        describe: async (name): Promise<TrainingJobDescription> => ({
          name,
          status: 'Completed',
          instanceType: 'ml.g5.xlarge',
          endedAtMs: T0 + 600_000,
          keepAliveSeconds: 1800,
          ...(warmPool ? { warmPool } : {}),
        }),
        setKeepAlive: async () => {},
      },
      clock: { now: () => nowMs },
      limits: DEFAULT_KEEP_ALIVE_LIMITS,
      describeConcurrency: 2,
      tagKeys: DEFAULT_OWNER_TAG_KEYS,
      telemetry,
      reactors: [
        usageStatsReactor(stats, DEFAULT_PRICES, { onIdleSpend: (usd) => (spent.idleUsd += usd) }),
        failingOnce,
      ],
    });
    const figures = () => ({
      reuses: counts.get('ReusesRecorded') ?? 0,
      ended: counts.get('PoolsEnded') ?? 0,
      idleUsd: spent.idleUsd,
    });
    return { ledger, failing, deps, figures };
  };

  it.each([
    ['Reused by the next job', { status: 'Reused', reusedByJob: 'job-b', billableSeconds: 900 }, 'reuses'],
    ['Terminated', { status: 'Terminated', billableSeconds: 900 }, 'ended'],
  ] as const)('counts a pool %s and its idle cost once', async (_, warmPool, counted) => {
    const w = world(warmPool);
    const end = jobEvent({ name: 'job-a', status: 'Completed' });
    w.failing.next = true;
    await expect(processJobStateChange(end, w.deps(T0 + 1_530_000))).rejects.toThrow(ReactorsFailedError);
    const once = w.figures();
    expect(once[counted]).toBe(1);
    expect(once.idleUsd).toBeGreaterThan(0);
    // Lambda's retry of the event whose reactor failed, then SageMaker's duplicate of it.
    await processJobStateChange(end, w.deps(T0 + 1_590_000));
    await processJobStateChange({ ...end, id: 'evt-dup' }, w.deps(T0 + 1_600_000));
    expect(w.figures()).toEqual(once);
  });
});
