import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { VirtualClock } from '../../devtools/local/runtime/virtualClock';
import type { TrainingJobStateChangeEvent } from '../../devtools/local/sagemaker/jobStateEvent';
import type { PoolChoiceRule } from '../../devtools/local/sagemaker/poolChoice';
import { SageMakerEmulator } from '../../devtools/local/sagemaker/sageMakerEmulator';
import { MemoryDecisionLog } from '../../lib/adapters/memory/memoryDecisionLog';
import { MemoryReconcileSchedule } from '../../lib/adapters/memory/memoryReconcileSchedule';
import { MemoryUsageStats } from '../../lib/adapters/memory/memoryUsageStats';
import { SageMakerTrainingJobs } from '../../lib/adapters/sagemaker/sageMakerTrainingJobs';
import type { ActionResult } from '../../lib/app/applyPoolAction';
import { ContainerLearnerMemo } from '../../lib/app/containerLearnerMemo';
import { finishLeavingIntent } from '../../lib/app/leavingIntent';
import type { LedgerFact } from '../../lib/app/ledgerFacts';
import { OwedFacts } from '../../lib/app/owedFacts';
import {
  type ProcessDeps,
  type ProcessOutcome,
  processJobStateChange,
} from '../../lib/app/processJobStateChange';
import { StretchGuard } from '../../lib/app/stretchGuard';
import { type SweepDeps, sweep } from '../../lib/app/sweep';
import { DEFAULT_KEEP_ALIVE_LIMITS, type KeepAliveLimits } from '../../lib/domain/keepAlive';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import type { Policy } from '../../lib/domain/policy/policy';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { reconcileWindowMs } from '../../lib/domain/reconcileWindow';
import { parsePolicy } from '../../lib/policyFile/parsePolicy';
import type { Ledger } from '../../lib/ports/ledger';
import { silentTelemetry } from '../../lib/ports/telemetry';

export const MIN = 60_000;
export const MONDAY_NOON = Date.parse('2026-03-02T12:00:00Z');
export const RECONCILE_EVERY_MS = 15 * MIN;

export const policyOf = (yaml: string): Policy => {
  const parsed = parsePolicy(yaml, 'test-policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.policy;
};

/** Stop a pool the moment it is idle, whatever the hour; never extend. */
export const STOP_AT_ONCE = policyOf(`
version: 1
defaults:
  workingHours: []
  idle: { insideWorkingHours: 0s, outsideWorkingHours: 0s }
  extend: { when: { reusedWithin: off, ownerActiveWithin: off, predictedReuse: false } }
  keepAlive: { strategy: fixed }
`);

/** Stop a pool idle for 5 minutes, whatever the hour; never extend. */
export const STOP_AFTER_5M = policyOf(`
version: 1
defaults:
  workingHours: []
  idle: { insideWorkingHours: 5m, outsideWorkingHours: 5m }
  extend: { when: { reusedWithin: off, ownerActiveWithin: off, predictedReuse: false } }
  keepAlive: { strategy: fixed }
`);

/** Never stop for idleness; extend by 30 minutes while the owner has been active in the last hour. */
export const EXTEND_WHILE_ACTIVE = policyOf(`
version: 1
defaults:
  workingHours: []
  idle: { insideWorkingHours: off, outsideWorkingHours: off }
  extend: { step: 30m, within: 10m, when: { reusedWithin: off, ownerActiveWithin: 1h, predictedReuse: false } }
  caps: { keepAlivePerCall: 1h, poolLifetime: 1d, idleSpendPerPoolPerDay: off, idleSpendPerTeamPerDay: off }
  # Nothing is learned here, so the extension's expected-cost check runs on the built-in prior: a
  # person's wait this dear makes a whole step worth it.
  keepAlive: { strategy: fixed, waitingValuePerHour: 400 }
  notify: { leadTime: off }
`);

/** Never act: the pools live their own keep-alive. */
export const LEAVE_ALONE = policyOf(`
version: 1
defaults:
  workingHours: []
  idle: { insideWorkingHours: off, outsideWorkingHours: off }
  extend: { when: { reusedWithin: off, ownerActiveWithin: off, predictedReuse: false } }
  keepAlive: { strategy: fixed }
  notify: { leadTime: off }
`);

export const sampleJob = (
  name: string,
  keepAliveSeconds: number,
  volumeSizeInGB = 30,
  durationSeconds = 300,
  spot = false,
) => ({
  name,
  roleArn: 'arn:aws:iam::123456789012:role/vision-training',
  instanceType: 'ml.g5.xlarge',
  instanceCount: 1,
  volumeSizeInGB,
  keepAliveSeconds,
  durationSeconds,
  outcome: 'Completed' as const,
  tags: { owner: 'alice', team: 'vision' },
  ...(spot ? { spot } : {}),
});

export interface SweepWorldOptions {
  readonly ledger: Ledger;
  readonly policy: Policy;
  /** Answer ThrottlingException to this call, when it returns true. */
  readonly throttle?: (operation: string) => boolean;
  /** The longest reconcile period quiet reconciles stretch it to; absent: a fixed RECONCILE_EVERY_MS. */
  readonly longestReconcileEveryMs?: number;
  /** How far past that it stretches while no dear job runs, with the guard over it (stretchGuard.ts); absent: no further. */
  readonly idleLongestReconcileEveryMs?: number;
  /** Whether a warm start presumes its pool taken (reusePresumption.ts); absent: it does, as deployed. */
  readonly presumeReuse?: boolean;
  /** SageMaker's keep-alive limits, which poolwarden knows too; absent: the defaults (a 28-day lifetime). */
  readonly limits?: KeepAliveLimits;
  /** Which matching pool the emulator hands a new job; absent: poolwarden's assumption (poolChoice.ts). */
  readonly poolChoice?: PoolChoiceRule;
}

/**
 * The SageMaker emulator on loopback with the real SDK, a ledger, and the sweep with its
 * reconciler: events are held until a test delivers (or loses) them.
 */
export class SweepWorld {
  readonly clock = new VirtualClock(MONDAY_NOON);
  readonly events: TrainingJobStateChangeEvent[] = [];
  readonly decisions = new MemoryDecisionLog();
  readonly stats = new MemoryUsageStats();
  readonly told: LedgerFact[] = [];
  readonly actionsTold: ActionResult[] = [];
  readonly emulator: SageMakerEmulator;
  remainingMs = () => 30_000;
  private client: SageMakerClient | undefined;
  private deps: SweepDeps | undefined;

  constructor(private readonly options: SweepWorldOptions) {
    this.emulator = new SageMakerEmulator({
      clock: this.clock,
      onEvent: (e) => this.events.push(e),
      throttle: { hook: (operation) => options.throttle?.(operation) ?? false },
      ...(options.limits !== undefined ? { keepAliveLimits: options.limits } : {}),
      ...(options.poolChoice !== undefined ? { poolChoice: options.poolChoice } : {}),
    });
  }

  async start(): Promise<this> {
    const endpoint = await this.emulator.start();
    this.client = new SageMakerClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const trainingJobs = new SageMakerTrainingJobs(this.client);
    const limits = this.options.limits ?? DEFAULT_KEEP_ALIVE_LIMITS;
    this.deps = {
      ledger: this.options.ledger,
      trainingJobs,
      decisions: this.decisions,
      clock: this.clock,
      limits,
      setup: {
        policy: this.options.policy,
        limits,
        killSwitch: false,
        prices: DEFAULT_PRICES,
      },
      stats: this.stats,
      learnerMemo: new ContainerLearnerMemo(),
      telemetry: silentTelemetry,
      reactors: [{ name: 'test', react: async (facts) => void this.told.push(...facts) }],
      owedFacts: new OwedFacts(),
      onAction: async (result) => void this.actionsTold.push(result),
      pageSize: 2,
      concurrency: 2,
      reconcileEveryMs: RECONCILE_EVERY_MS,
      scheduleEveryMs: 60_000,
      lookAheadMs: 5 * MIN,
      reconciler: {
        catalog: trainingJobs,
        schedule: new MemoryReconcileSchedule(),
        tagKeys: DEFAULT_OWNER_TAG_KEYS,
        describeConcurrency: 2,
        listWindowMs: reconcileWindowMs(limits),
        fullReconcileEveryMs: 24 * 60 * MIN,
        ...(this.options.longestReconcileEveryMs !== undefined
          ? { longestEveryMs: this.options.longestReconcileEveryMs }
          : {}),
        ...(this.options.idleLongestReconcileEveryMs !== undefined
          ? {
              idleLongestEveryMs: this.options.idleLongestReconcileEveryMs,
              stretch: { guard: new StretchGuard(), prices: DEFAULT_PRICES },
            }
          : {}),
      },
      remainingMs: () => this.remainingMs(),
      safetyMarginMs: 1_000,
      // As the functions are wired (Runtime.actionDeps).
      finishIntent: (record, description) => finishLeavingIntent(this.sweepDeps, record, description),
    };
    return this;
  }

  get sweepDeps(): SweepDeps {
    if (!this.deps) throw new Error('start() the world first');
    return this.deps;
  }

  get ledger(): Ledger {
    return this.options.ledger;
  }

  advanceTo(ms: number): void {
    this.clock.advanceTo(ms);
    this.emulator.advanceTo(ms);
  }

  advance(ms: number): void {
    this.advanceTo(this.clock.now() + ms);
  }

  submit(
    name: string,
    keepAliveSeconds: number,
    volumeSizeInGB = 30,
    durationSeconds = 300,
    spot = false,
  ): void {
    this.emulator.submit(sampleJob(name, keepAliveSeconds, volumeSizeInGB, durationSeconds, spot));
  }

  /** Delivers the held events, except those `lose` picks. */
  async deliver(lose: (event: TrainingJobStateChangeEvent) => boolean = () => false): Promise<void> {
    for (const event of this.events.splice(0)) {
      if (!lose(event)) await this.deliverEvent(event);
    }
  }

  /** One invocation of the event handler; throws as it would (Lambda then retries). */
  deliverEvent(
    event: TrainingJobStateChangeEvent,
    overrides: Partial<ProcessDeps> = {},
  ): Promise<ProcessOutcome> {
    return processJobStateChange(event, {
      ...this.sweepDeps,
      describeConcurrency: 2,
      presumeReuse: this.options.presumeReuse ?? true,
      tagKeys: DEFAULT_OWNER_TAG_KEYS,
      telemetry: silentTelemetry,
      reactors: [],
      ...overrides,
    });
  }

  sweep(overrides: Partial<SweepDeps> = {}) {
    return sweep({ ...this.sweepDeps, ...overrides });
  }

  warmPoolStatus(name: string) {
    return this.emulator.model.inspectJob(name)?.warmPoolStatus;
  }

  async stop(): Promise<void> {
    this.client?.destroy();
    await this.emulator.stop();
  }
}
