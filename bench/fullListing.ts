import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { VirtualClock } from '../devtools/local/runtime/virtualClock';
import type { SubmitRequest } from '../devtools/local/sagemaker/emulatedJob';
import type { TrainingJobStateChangeEvent } from '../devtools/local/sagemaker/jobStateEvent';
import { SageMakerEmulator } from '../devtools/local/sagemaker/sageMakerEmulator';
import { MemoryDecisionLog } from '../lib/adapters/memory/memoryDecisionLog';
import { MemoryLedger } from '../lib/adapters/memory/memoryLedger';
import { MemoryReconcileSchedule } from '../lib/adapters/memory/memoryReconcileSchedule';
import { MemoryUsageStats } from '../lib/adapters/memory/memoryUsageStats';
import { SageMakerTrainingJobs } from '../lib/adapters/sagemaker/sageMakerTrainingJobs';
import { ContainerLearnerMemo } from '../lib/app/containerLearnerMemo';
import { processJobStateChange } from '../lib/app/processJobStateChange';
import { type SweepDeps, sweep } from '../lib/app/sweep';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../lib/domain/keepAlive';
import { DEFAULT_OWNER_TAG_KEYS } from '../lib/domain/owner';
import { DEFAULT_PRICES } from '../lib/domain/prices';
import { reconcileWindowMs } from '../lib/domain/reconcileWindow';
import { parsePolicy } from '../lib/policyFile/parsePolicy';
import type { ReconcileOutcome } from '../lib/ports/reconcileSchedule';
import { silentTelemetry } from '../lib/ports/telemetry';
import { table, thousands } from './format';

/**
 * The 28-day listing of a busy account against the sweep's time (README, event handling rule 7):
 * `history` short jobs in the last 27 days, ListTrainingJobs modelled at 0.25 s a page of 100
 * jobs, a 58 s invocation with the default 13 s safety margin, a reconcile every 15 minutes.
 * Prints the list calls of each reconcile until the full listing has covered the window, and
 * whether a job whose end event was lost after the first reconcile is adopted and stopped (5
 * minutes idle) at the next. `npm run bench:full-listing`: the SageMaker emulator on loopback
 * with the real SDK, the sweep with its reconciler, the ledger in memory.
 */
const MIN = 60_000;
const RECONCILE_EVERY_MS = 15 * MIN;
const PAGE_MS = 250;
const INVOCATION_MS = 58_000;
/** The deployed sweep's default safety margin (5 s and the notification retry budget). */
const SAFETY_MARGIN_MS = 13_000;

const parsed = parsePolicy(
  `
version: 1
defaults:
  workingHours: []
  idle: { insideWorkingHours: 5m, outsideWorkingHours: 5m }
  extend: { when: { reusedWithin: off, ownerActiveWithin: off, predictedReuse: false } }
  keepAlive: { strategy: fixed }
`,
  'bench-policy.yaml',
);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
const STOP_AFTER_5M = parsed.policy;

const shortJob = (name: string, keepAliveSeconds: number, durationSeconds: number): SubmitRequest => ({
  name,
  roleArn: 'arn:aws:iam::123456789012:role/vision-training',
  instanceType: 'ml.g5.xlarge',
  instanceCount: 1,
  volumeSizeInGB: 30,
  keepAliveSeconds,
  durationSeconds,
  outcome: 'Completed',
  tags: { owner: 'bob', team: 'vision' },
});

const run = async (history: number) => {
  let spentMs = 0;
  let listCalls = 0;
  const clock = new VirtualClock(Date.parse('2026-03-02T12:00:00Z'));
  const events: TrainingJobStateChangeEvent[] = [];
  const emulator = new SageMakerEmulator({
    clock,
    onEvent: (e) => events.push(e),
    throttle: {
      hook: (op) => {
        if (op !== 'ListTrainingJobs') return false;
        listCalls++;
        spentMs += PAGE_MS;
        if (spentMs > INVOCATION_MS) throw new Error('Task timed out');
        return false;
      },
    },
  });
  const client = new SageMakerClient({
    endpoint: await emulator.start(),
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
  try {
    const advanceTo = (ms: number) => {
      clock.advanceTo(ms);
      emulator.advanceTo(ms);
    };
    const trainingJobs = new SageMakerTrainingJobs(client);
    const decisions = new MemoryDecisionLog();
    const schedule = new MemoryReconcileSchedule();
    const outcomes: ReconcileOutcome[] = [];
    const ledger = new MemoryLedger();
    const deps: SweepDeps = {
      ledger,
      trainingJobs,
      decisions,
      clock,
      limits: DEFAULT_KEEP_ALIVE_LIMITS,
      setup: {
        policy: STOP_AFTER_5M,
        limits: DEFAULT_KEEP_ALIVE_LIMITS,
        killSwitch: false,
        prices: DEFAULT_PRICES,
      },
      stats: new MemoryUsageStats(),
      learnerMemo: new ContainerLearnerMemo(),
      telemetry: silentTelemetry,
      reactors: [],
      pageSize: 100,
      concurrency: 2,
      reconcileEveryMs: RECONCILE_EVERY_MS,
      scheduleEveryMs: MIN,
      lookAheadMs: 5 * MIN,
      reconciler: {
        catalog: trainingJobs,
        schedule: {
          claim: schedule.claim.bind(schedule),
          done: async (startMs, outcome) => {
            outcomes.push(outcome);
            await schedule.done(startMs, outcome);
          },
        },
        tagKeys: DEFAULT_OWNER_TAG_KEYS,
        describeConcurrency: 2,
        listWindowMs: reconcileWindowMs(DEFAULT_KEEP_ALIVE_LIMITS),
        fullReconcileEveryMs: 24 * 60 * MIN,
      },
      remainingMs: () => INVOCATION_MS - spentMs,
      safetyMarginMs: SAFETY_MARGIN_MS,
    };
    const start = clock.now();
    const step = Math.floor((27 * 24 * 60 * MIN) / history);
    for (let i = 0; i < history; i++) {
      advanceTo(start + i * step);
      emulator.model.submit(shortJob(`h-${i}`, 0, 60));
    }
    advanceTo(start + 27 * 24 * 60 * MIN + 10 * MIN);
    events.splice(0); // that history predates the deployment: its events are not replayed
    const perReconcile: number[] = [];
    let died = 0;
    let lostEndStoppedAt: number | undefined;
    for (let n = 0; n < 2 || (n < 20 && !outcomes.some((o) => o.fullList)); n++) {
      if (n === 1) {
        // A job whose end event is lost, between the first reconcile and the second.
        emulator.model.submit(shortJob('lost-end', 3600, 300));
        advanceTo(clock.now() + 10 * MIN);
        for (const event of events.splice(0))
          if (event.detail.TrainingJobStatus !== 'Completed')
            await processJobStateChange(event, {
              ...deps,
              describeConcurrency: 2,
              tagKeys: DEFAULT_OWNER_TAG_KEYS,
            });
        advanceTo(clock.now() + RECONCILE_EVERY_MS - 10 * MIN);
      } else if (n > 0) advanceTo(clock.now() + RECONCILE_EVERY_MS);
      spentMs = 0;
      const before = listCalls;
      try {
        await sweep(deps);
      } catch {
        died++;
      }
      perReconcile.push(listCalls - before);
      if (
        lostEndStoppedAt === undefined &&
        decisions.all().some((d) => d.job === 'lost-end' && d.action === 'stop')
      )
        lostEndStoppedAt = n + 1;
    }
    const coveredAt = outcomes.findIndex((o) => o.fullList);
    advanceTo(clock.now() + RECONCILE_EVERY_MS);
    spentMs = 0;
    const before = listCalls;
    await sweep(deps);
    return {
      history,
      perReconcile,
      covered: coveredAt >= 0 ? coveredAt + 1 : undefined,
      died,
      lostEndStoppedAt,
      steady: listCalls - before,
    };
  } finally {
    client.destroy();
    await emulator.stop();
  }
};

const rows: string[][] = [];
for (const history of [1_000, 10_000, 30_000, 100_000]) {
  const r = await run(history);
  const pages = Math.ceil(history / 100);
  rows.push([
    thousands(history),
    thousands(pages),
    pages * PAGE_MS > INVOCATION_MS ? 'never (dies at 58 s every time)' : '1',
    r.perReconcile.join(' + '),
    r.covered === undefined ? 'not within 20' : String(r.covered),
    String(r.died),
    r.lostEndStoppedAt === undefined ? 'no' : `reconcile ${r.lostEndStoppedAt}`,
    String(r.steady),
  ]);
  console.error(`history ${history}: done`);
}
console.log(
  table(
    [
      'jobs in 28 days',
      'pages in the window',
      'reconciles to cover it before (computed)',
      'list calls per reconcile now',
      'reconciles to cover it now',
      'sweeps that died',
      'lost end stopped',
      'list calls after (recent window)',
    ],
    rows,
  ),
);
