import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHandler as createJobStateChangeHandler } from '../../functions/onJobStateChange';
import type { ProcessOutcome } from '../app/processJobStateChange';
import { loadCoreConfig } from '../config';
import { DEFAULT_PRICES, type PriceTable } from '../domain/prices';
import { ingestDependencies } from '../ingestDependencies';
import { buildLocalReport, type LocalReport } from './report/localReport';
import { readAllJobRecords } from './report/readLedger';
import { type ChaosOptions, DEFAULT_CHAOS, LocalEventBus } from './runtime/eventBus';
import { lambdaContext } from './runtime/lambdaContext';
import { startLocalDynamo } from './runtime/localDynamo';
import { useLocalAwsEnvironment } from './runtime/localEnvironment';
import { Timeline } from './runtime/timeline';
import { submissionOf } from './runtime/traceSubmission';
import { VirtualClock } from './runtime/virtualClock';
import type { EventStyle } from './sagemaker/emulatorOptions';
import type { TrainingJobStateChangeEvent } from './sagemaker/jobStateEvent';
import { SageMakerEmulator } from './sagemaker/sageMakerEmulator';
import type { TraceJob } from './trace/traceJob';

export const LOCAL_TABLE = 'poolwarden-local-ledger';
/** Accounts start with a warm pool quota of 0; the demo grants a generous one, except where a trace shows the quota problem. */
export const LOCAL_QUOTAS: Readonly<Record<string, number>> = { 'ml.p5.48xlarge': 0 };
const SWEEP_EVERY_MS = 60_000;
/** Lambda retries a failed async invocation twice, about a minute apart, then dead-letters it. */
const RETRIES = 2;
const RETRY_DELAY_MS = 60_000;

export interface LocalRunOptions {
  readonly trace: readonly TraceJob[];
  /** A seed turns on duplicated, delayed and reordered delivery. */
  readonly chaosSeed?: number;
  readonly chaos?: Partial<Omit<ChaosOptions, 'seed'>>;
  /** Virtual seconds per wall-clock second; absent: as fast as possible. */
  readonly speed?: number;
  readonly dataDir?: string;
  readonly sageMakerPort?: number;
  readonly quotas?: Readonly<Record<string, number>>;
  readonly prices?: PriceTable;
  readonly eventStyle?: EventStyle;
  readonly verbose?: boolean;
  /** Receives each timeline line; absent: silent. */
  readonly onLine?: (line: string) => void;
}

export interface LocalRunResult {
  readonly report: LocalReport;
  readonly wallSeconds: number;
}

interface Delivery {
  readonly event: TrainingJobStateChangeEvent;
  readonly attempt: number;
}

export const runLocal = async (options: LocalRunOptions): Promise<LocalRunResult> => {
  const started = performance.now();
  const trace = [...options.trace].sort((a, b) => a.submitAtMs - b.submitAtMs);
  const firstSubmit = trace[0]?.submitAtMs ?? Date.parse('2026-01-05T00:00:00Z');
  const clock = new VirtualClock(Math.floor(firstSubmit / SWEEP_EVERY_MS) * SWEEP_EVERY_MS);
  const write = options.onLine ?? (() => {});
  const timeline = new Timeline(clock, write);

  const dynamo = await startLocalDynamo(options.dataDir ? { dataDir: options.dataDir } : {});
  const emulator = new SageMakerEmulator({
    clock,
    eventStyle: options.eventStyle ?? 'mixed',
    quotas: { ...LOCAL_QUOTAS, ...options.quotas },
    ...(options.sageMakerPort !== undefined ? { port: options.sageMakerPort } : {}),
  });
  const restoreEnvironment = useLocalAwsEnvironment(
    { dynamodb: dynamo.endpoint, sagemaker: await emulator.start(), sns: undefined },
    { verbose: options.verbose ?? false },
  );
  try {
    const table = await dynamo.ensureLedgerTable(LOCAL_TABLE);
    const bus = new LocalEventBus<Delivery>(
      options.chaosSeed !== undefined
        ? { ...DEFAULT_CHAOS, ...options.chaos, seed: options.chaosSeed }
        : undefined,
    );
    emulator.subscribe((event) => bus.publish({ event, attempt: 0 }, clock.now()));

    const config = loadCoreConfig({ ...process.env, POOLWARDEN_TABLE: table });
    const onJobStateChange = createJobStateChangeHandler((telemetry) =>
      ingestDependencies(config, { telemetry, clock, reactors: [timeline] }),
    );

    const stats = { rejected: 0, stale: 0, deadLettered: 0, sweeps: 0 };
    const deliver = async (delivery: Delivery) => {
      try {
        const outcome = (await onJobStateChange(
          delivery.event,
          lambdaContext('onJobStateChange'),
        )) as ProcessOutcome;
        if (outcome.kind === 'rejected') stats.rejected++;
        if (outcome.kind === 'stale') stats.stale++;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (delivery.attempt < RETRIES) {
          bus.publish({ event: delivery.event, attempt: delivery.attempt + 1 }, clock.now() + RETRY_DELAY_MS);
        } else {
          stats.deadLettered++;
          timeline.line(
            `dead-letter:${delivery.event.id}`,
            `dead letter    event ${delivery.event.id}: ${reason}`,
          );
        }
      }
    };

    let next = 0;
    let nextSweepAt = clock.now() + SWEEP_EVERY_MS;
    const wallStart = performance.now();
    const virtualStart = clock.now();
    for (;;) {
      const due = [trace[next]?.submitAtMs, emulator.nextDueAt(), bus.nextDueAt()].filter(
        (t): t is number => t !== undefined,
      );
      if (due.length === 0) break;
      const at = Math.min(...due, nextSweepAt);
      if (options.speed) {
        const wallDue = wallStart + (at - virtualStart) / options.speed;
        const wait = wallDue - performance.now();
        if (wait > 0) await sleep(wait);
      }
      clock.advanceTo(at);
      emulator.advanceTo(at);
      while (trace[next] && trace[next]?.submitAtMs === at) {
        const job = trace[next++];
        if (job) emulator.submit(submissionOf(job));
      }
      for (let delivery = bus.takeDue(at); delivery; delivery = bus.takeDue(at)) await deliver(delivery);
      if (at === nextSweepAt) {
        stats.sweeps++;
        nextSweepAt += SWEEP_EVERY_MS;
      }
    }

    const busStats = bus.stats();
    const report = buildLocalReport({
      jobNames: trace.map((j) => j.name),
      records: await readAllJobRecords(dynamo.client, table),
      emulatorJobs: emulator.model.inspectJobs(),
      emulatorPools: emulator.model.inspectPools(),
      coldStartupSeconds: 143,
      prices: options.prices ?? DEFAULT_PRICES,
      actions: [],
      notifications: [],
      delivery: {
        eventsPublished: busStats.published,
        deliveries: busStats.delivered,
        extraCopies: busStats.extraCopies,
        ...stats,
      },
    });
    return { report, wallSeconds: (performance.now() - started) / 1000 };
  } finally {
    restoreEnvironment();
    await emulator.stop();
    await dynamo.stop();
  }
};
