import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FetchFunction } from '@slack/webhook';
import { type ClientTransport, documentClient, sageMakerClient } from '../adapters/awsClients';
import { CachedUsageStats } from '../adapters/cachedUsageStats';
import { ByExpiryRiders } from '../adapters/dynamo/byExpiryRiders';
import { DynamoDecisionLog } from '../adapters/dynamo/dynamoDecisionLog';
import { DynamoLedger } from '../adapters/dynamo/dynamoLedger';
import { DynamoNotificationLog } from '../adapters/dynamo/dynamoNotificationLog';
import { DynamoReconcileSchedule } from '../adapters/dynamo/dynamoReconcileSchedule';
import { DynamoUsageStats } from '../adapters/dynamo/dynamoUsageStats';
import { SageMakerTrainingJobs } from '../adapters/sagemaker/sageMakerTrainingJobs';
import { SchedulerWakes } from '../adapters/scheduler/schedulerWakes';
import { ResponseUrlReplies } from '../adapters/slack/responseUrlReplies';
import { timerPause } from '../adapters/time/timerPause';
import { AcceptedStops } from '../app/acceptedStops';
import type { ActionDeps, ActionResult } from '../app/applyPoolAction';
import { ContainerLearnerMemo } from '../app/containerLearnerMemo';
import type { FactReactor } from '../app/factReactor';
import { finishLeavingIntent } from '../app/leavingIntent';
import { ListingPace } from '../app/listingPace';
import { MissingPools } from '../app/missingPools';
import { OwedFacts } from '../app/owedFacts';
import { policyReactor } from '../app/policyReactor';
import type { ProcessDeps, ProcessOutcome } from '../app/processJobStateChange';
import type { ReconcileDeps } from '../app/reconcilePlan';
import { RecordedEnds } from '../app/recordedEnds';
import { StretchGuard } from '../app/stretchGuard';
import type { SweepDeps } from '../app/sweep';
import type { SweepAccountsDeps } from '../app/sweepAccounts';
import { SWEEP_EVERY_MS } from '../app/sweepWake';
import {
  eventCallsForSweep,
  nextWakeAfter,
  type SweepWakeReport,
  sweepWakeInstants,
} from '../app/sweepWakes';
import { usageStatsReactor } from '../app/usageStatsReactor';
import { WakeAsker } from '../app/wakeAsker';
import { errorMessage } from '../domain/errorMessage';
import { type JobLocation, locationLabel } from '../domain/jobLocation';
import type { JobRecord } from '../domain/jobRecord';
import type { PolicySetup } from '../domain/policy/evaluatePool';
import type { Policy } from '../domain/policy/policy';
import { DEFAULT_PRICES, type PriceTable } from '../domain/prices';
import { reconcileWindowMs } from '../domain/reconcileWindow';
import { noticeForAction } from '../notify/decisionNotices';
import { attemptNeedMs, NOTICE_LOG_WRITES_MS } from '../notify/deliveryDeadline';
import type { NotificationLog } from '../notify/notificationLog';
import { isOwed, type SentNotification } from '../notify/notifier';
import { OwedNotices } from '../notify/owedNotices';
import { deliveryWorstCaseMs } from '../notify/retry';
import type { SlackReplies } from '../notify/slackReplies';
import type { SlackSecrets } from '../notify/slackSecrets';
import { tellAsker } from '../notify/tellAsker';
import type { AccountAccess } from '../ports/accountAccess';
import { type Clock, systemClock } from '../ports/clock';
import type { DecisionLog, DecisionOutcome } from '../ports/decisionLog';
import type { Ledger } from '../ports/ledger';
import type { Pause } from '../ports/pause';
import type { ReconcileSchedule } from '../ports/reconcileSchedule';
import { noSweepWakes, type SweepWakes } from '../ports/sweepWakes';
import type { Telemetry } from '../ports/telemetry';
import type { TrainingJobDescription, TrainingJobs } from '../ports/trainingJobs';
import type { UsageStats } from '../ports/usageStats';
import type { WarmPoolCatalog } from '../ports/warmPoolCatalog';
import type { LedgerRiders, PoolwardenConfig } from './config/config';
import type { Environment } from './config/configError';
import { parseSwitch } from './config/variables';
import { type NotifyDependencies, notifyDependencies } from './notifyDependencies';
import { PolicySource } from './policySource';
import { SpokeClients } from './spokeClients';
import { CONTEXT_KEYS, contextValue, policyTextFrom, slackSecretsFrom } from './ssmParameters';

/** The stores of a deployment: one DynamoDB table. */
const dynamoStores = (
  client: DynamoDBDocumentClient,
  table: string,
  retentionDays: number,
  clock: Clock,
  ridersMode: LedgerRiders,
): RuntimeStores => {
  // One per scope for the container's life: each remembers its own last claim.
  const schedules = new Map<string, DynamoReconcileSchedule>();
  // What the ledger's byExpiry reads see of the gap log's head and the reconcile items spares requests.
  const riders =
    ridersMode === 'off' ? undefined : new ByExpiryRiders(clock, { trustGapLogHead: ridersMode === 'on' });
  return {
    ledger: new DynamoLedger(client, table, undefined, riders),
    decisions: new DynamoDecisionLog(client, table),
    stats: new DynamoUsageStats(client, table, clock, undefined, riders),
    notifications: new DynamoNotificationLog(client, table, { retentionDays }),
    reconcileSchedule: new DynamoReconcileSchedule(client, table, undefined, riders),
    reconcileScheduleOf: (scope) => {
      const schedule = schedules.get(scope) ?? new DynamoReconcileSchedule(client, table, scope, riders);
      schedules.set(scope, schedule);
      return schedule;
    },
  };
};

/** How long a container reuses what it read of owners' activity, learnt gaps and spend. */
export const STATS_CACHE_MS = 5 * 60_000;

/**
 * The runtime's time: the system clock with a timer for the sweep's waits within its invocation
 * (catchUpListings.ts), or a clock of its own (virtual time) with the pause that waits on it: a
 * runtime given one without the other would have its sweep never wait, silently.
 */
export type RuntimeTime =
  | { readonly clock?: never; readonly pause?: never }
  | { readonly clock: Clock; readonly pause: Pause };

export type RuntimeOptions = RuntimeTime & RuntimeSettings;

export interface RuntimeSettings {
  readonly config: PoolwardenConfig;
  readonly telemetry: Telemetry;
  readonly prices?: PriceTable;
  readonly initialPolicy?: Policy;
  /** Reactors besides the built-in ones (the local stack's timeline). */
  readonly extraReactors?: readonly FactReactor[];
  readonly onSent?: (sent: SentNotification) => void;
  readonly onAction?: (result: ActionResult) => void;
  readonly initialSecrets?: SlackSecrets;
  /** How the AWS clients (and the Slack webhook) send their requests; absent: over HTTP(S). */
  readonly transport?: RuntimeTransport;
  /** Stores instead of the DynamoDB table (the local stack's `--ledger memory`). */
  readonly stores?: RuntimeStores;
  /** Where the sweep's wakes are asked for, instead of the configured EventBridge Scheduler group (tests). */
  readonly wakes?: SweepWakes;
}

/** Each outside service's way of sending, where it is not the default one (the local stack's in-process path). */
export interface RuntimeTransport {
  readonly dynamodb?: ClientTransport;
  readonly sagemaker?: ClientTransport;
  readonly sns?: ClientTransport;
  readonly scheduler?: ClientTransport;
  readonly slackWebhook?: FetchFunction;
}

/** What the DynamoDB table holds, as ports: shared by every function of one local run. */
export interface RuntimeStores {
  readonly ledger: Ledger;
  readonly decisions: DecisionLog;
  readonly stats: UsageStats;
  readonly notifications: NotificationLog;
  /** The home account and region's reconcile schedule. */
  readonly reconcileSchedule: ReconcileSchedule;
  /** Another account and region's (`<account>/<region>`). */
  readonly reconcileScheduleOf: (scope: string) => ReconcileSchedule;
}

/** Metrics for the dashboard (resources/observability.yml), in the `poolwarden` namespace. */
export const IDLE_COST_METRIC = 'IdleCostUsd';
const ACTION_METRICS: Record<DecisionOutcome, string> = {
  applied: 'ActionsApplied',
  'dry-run': 'ActionsDryRun',
  failed: 'ActionsFailed',
  skipped: 'ActionsSkipped',
  // Counted with the failures: the dashboard's alarm must see SageMaker not answering.
  unknown: 'ActionsFailed',
};
export const actionMetric = (outcome: DecisionOutcome): string => ACTION_METRICS[outcome];

/** What one pool's SageMaker calls and ledger writes take in the sweep, with room to spare. */
const SWEEP_POOL_WORK_MS = 5_000;

/**
 * What the sweep must have left of its invocation to start one more pool: its SageMaker calls
 * and writes, and room for its owner notice (one attempt and the log's writes, or the retry
 * waits, whichever is longer). A notice never runs past the invocation whatever this margin
 * (noticesEndWithin): one that cannot start in time is owed to a later sweep.
 */
export const sweepSafetyMarginMs = (config: Pick<PoolwardenConfig, 'notify'>): number =>
  SWEEP_POOL_WORK_MS +
  Math.max(config.notify.retry.waitBudgetMs, attemptNeedMs(config.notify.attemptTimeoutMs));

/**
 * Everything a poolwarden function needs, built once per container: the AWS clients and
 * adapters, the notification path and the policy in force. Each function takes the slice it
 * needs; per-invocation values (secrets, policy text, kill switch) come through refresh().
 */
export class Runtime {
  readonly clock: Clock;
  private readonly pause: Pause;
  readonly ledger: Ledger;
  /** Every account and region's training jobs, each through its own client. */
  readonly trainingJobs: TrainingJobs;
  /** What the home account and region's SageMaker holds, listed by the reconciler. */
  readonly catalog: WarmPoolCatalog;
  readonly access: AccountAccess;
  /** Another account and region's listings; absent: one account, one region. */
  private readonly catalogOf?: (location: JobLocation) => WarmPoolCatalog;
  private readonly reconcileScheduleOf: (scope: string) => ReconcileSchedule;
  readonly decisions: DecisionLog;
  readonly reconcileSchedule: ReconcileSchedule;
  readonly stats: CachedUsageStats;
  readonly notify: NotifyDependencies;
  readonly policySource: PolicySource;
  readonly prices: PriceTable;
  readonly config: PoolwardenConfig;
  /** Where the outcome of a click finished after its answer is posted (its response_url). */
  private readonly replies: SlackReplies;
  /** What this container's reconciles read recorded ended: kept across its invocations. */
  private readonly recordedEnds = new RecordedEnds();
  private readonly missingPools = new MissingPools();
  /** The stops SageMaker accepted from this container's sweeps, whose ends need no describe. */
  private readonly acceptedStops = new AcceptedStops();
  /** The sweep container's facts its reactors failed on, told again at its next sweeps. */
  private readonly owedFacts = new OwedFacts();
  /**
   * The notices it could not send (its log refused the claim, or its invocation was ending):
   * those of actions, and in the sweep those of facts too; sent again at the container's next
   * sweeps (or events).
   */
  private readonly owedNotices = new OwedNotices();
  /** When the event handler's container may next send what it owes (sendOwedNotices). */
  private owedNoticesDueMs = Number.NEGATIVE_INFINITY;
  /** What is left of the invocation running, for its notices (noticesEndWithin); undefined: none. */
  private invocationLeftMs: (() => number) | undefined;
  /** Each account and region's reconciler (its schedule and how late its end events run): one per scope. */
  private readonly reconcilers = new Map<string, ReconcileDeps>();
  /** The gap learner's memo, shared by this container's sweep and reactors across invocations. */
  private readonly learnerMemo = new ContainerLearnerMemo();
  private killSwitch: boolean;
  /** Asks for the sweep's wakes (app/sweepWakes.ts), remembering those this container set. */
  private readonly wakes: WakeAsker;

  constructor(private readonly options: RuntimeOptions) {
    const { core, notify, policy } = options.config;
    const { transport } = options;
    this.clock = options.clock ?? systemClock;
    this.pause = options.pause ?? timerPause(systemClock);
    const stores =
      options.stores ??
      dynamoStores(
        documentClient(transport?.dynamodb ? { transport: transport.dynamodb } : {}),
        core.tableName,
        notify.retentionDays,
        this.clock,
        core.ledgerRiders,
      );
    this.config = options.config;
    this.replies = new ResponseUrlReplies({
      timeoutMs: options.config.slackActions.replyTimeoutMs,
      allowLoopback: options.config.slackActions.loopbackReplies,
    });
    this.ledger = stores.ledger;
    const homeSageMaker = sageMakerClient(transport?.sagemaker ? { transport: transport.sagemaker } : {});
    const homeJobs = new SageMakerTrainingJobs(homeSageMaker);
    this.catalog = homeJobs;
    if (core.home) {
      const spokes = new SpokeClients(options.config.spokes, core.home, homeSageMaker, homeJobs);
      this.trainingJobs = spokes.trainingJobs();
      this.access = spokes;
      this.catalogOf = (location) => spokes.catalog(location);
    } else {
      this.trainingJobs = homeJobs;
      this.access = { check: async () => {} };
    }
    this.decisions = stores.decisions;
    this.reconcileSchedule = stores.reconcileSchedule;
    this.reconcileScheduleOf = stores.reconcileScheduleOf;
    this.stats = new CachedUsageStats(stores.stats, this.clock, STATS_CACHE_MS);
    this.prices = options.prices ?? DEFAULT_PRICES;
    this.notify = notifyDependencies(core, notify, {
      clock: this.clock,
      telemetry: options.telemetry,
      ...(options.onSent ? { onSent: options.onSent } : {}),
      ...(options.initialSecrets ? { initialSecrets: options.initialSecrets } : {}),
      log: stores.notifications,
      timeLeftMs: () => this.invocationLeftMs?.() ?? Number.POSITIVE_INFINITY,
      onUnsent: (notice) => this.owedNotices.keepUnsent(notice, this.clock.now()),
      ...(transport?.sns ? { snsTransport: transport.sns } : {}),
      ...(transport?.slackWebhook ? { slackFetch: transport.slackWebhook } : {}),
    });
    this.policySource = new PolicySource(options.telemetry, options.initialPolicy);
    this.killSwitch = policy.killSwitch;
    this.wakes = new WakeAsker(
      options.wakes ??
        (policy.wakes
          ? new SchedulerWakes(policy.wakes, transport?.scheduler ? { transport: transport.scheduler } : {})
          : noSweepWakes),
      options.telemetry,
    );
  }

  /** After an event that may change what a sweep sees: a sweep at the next minute. Never throws. */
  async askWakeAfterEvent(outcome: ProcessOutcome): Promise<void> {
    if (eventCallsForSweep(outcome, this.prices, this.config.policy.endWatch)) await this.askNextWake();
  }

  /** A sweep at the next minute (a click changed the ledger, an invocation failed half-way). Never throws. */
  async askNextWake(): Promise<void> {
    const nowMs = this.clock.now();
    await this.wakes.ask([nextWakeAfter(nowMs)], nowMs);
  }

  /**
   * `work`, and when it throws a sweep at the next minute before the error goes on: what it wrote
   * before it failed is not known, and that sweep reads it (Lambda retries an event too).
   */
  async wakeNextIfThrows<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await this.askNextWake();
      throw error;
    }
  }

  /** At a sweep's end, the wakes its report names (`sweptAtMs`: when it was due). Never throws. */
  async askSweepWakes(report: SweepWakeReport, sweptAtMs: number): Promise<void> {
    const nowMs = this.clock.now();
    await this.wakes.ask(
      sweepWakeInstants(report, sweptAtMs, nowMs, {
        statsFreshMs: STATS_CACHE_MS,
        reconcileEveryMs: this.config.policy.reconcileEveryMs,
      }),
      nowMs,
    );
  }

  /** Reads what middy's ssm middleware fetched for this invocation. */
  refresh(context: object, env: Environment = process.env): void {
    this.notify.slackSecrets.set(slackSecretsFrom(context, env));
    const policyText = policyTextFrom(context);
    if (policyText !== undefined)
      this.policySource.update(policyText, this.config.policy.policyParam ?? 'policy');
    const killSwitch = contextValue(context, CONTEXT_KEYS.killSwitch);
    if (killSwitch !== undefined) {
      const on = parseSwitch(killSwitch);
      if (on === undefined) {
        this.options.telemetry.error(
          'the kill switch parameter is neither on nor off; keeping its last value',
          {
            parameter: this.config.policy.killSwitchParam,
          },
        );
      } else {
        this.killSwitch = on;
      }
    }
  }

  setup(): PolicySetup {
    const { policy, forceDryRun } = this.policySource.get();
    return {
      policy,
      limits: this.config.core.limits,
      killSwitch: this.killSwitch || forceDryRun,
      prices: this.prices,
    };
  }

  actionDeps(): ActionDeps {
    return {
      ledger: this.ledger,
      trainingJobs: this.trainingJobs,
      decisions: this.decisions,
      clock: this.clock,
      limits: this.config.core.limits,
      killSwitch: async () => this.setup().killSwitch,
      finishIntent: this.finishIntent,
    };
  }

  /** The intent of a pool found leaving Available, finished and told as any finished action (leavingIntent.ts). */
  private readonly finishIntent = (
    record: JobRecord,
    description: TrainingJobDescription,
  ): Promise<JobRecord> =>
    finishLeavingIntent({ ...this.actionDeps(), onAction: this.onAction }, record, description);

  /** The dashboard's idle cost: USD of every pool hop that ended, from the price table. */
  private readonly countIdleSpend = (usd: number): void =>
    this.options.telemetry.count(IDLE_COST_METRIC, usd);

  /**
   * Runs an invocation whose notices end within it: an attempt (its timeout, and the log's
   * writes) is only started while `remainingMs` leaves it room, and a notice that cannot start is
   * left unclaimed and owed (deliveryDeadline.ts). The event handler and the sweep run in it; the
   * Slack route, whose notices follow its answer, does not.
   */
  async noticesEndWithin<T>(remainingMs: () => number, invocation: () => Promise<T>): Promise<T> {
    this.invocationLeftMs = remainingMs;
    try {
      return await invocation();
    } finally {
      this.invocationLeftMs = undefined;
    }
  }

  /** Tells the owner about an action recorded for the first time, and whoever else listens. */
  readonly onAction = async (result: ActionResult): Promise<void> => {
    this.options.telemetry.count(actionMetric(result.decision.outcome));
    this.options.onAction?.(result);
    const notice = noticeForAction(result);
    if (notice) {
      const sent = await this.notify.notifier.notify(notice);
      // Not sent (the log could not be claimed, or the invocation was ending), and no later sweep
      // decides it again: owed.
      if (isOwed(sent)) this.owedNotices.keep(result.decision.dedupeKey, notice, this.clock.now());
    }
    await tellAsker(this.replies, result, this.config.notify.defaultTimeZone, this.clock.now()).catch(
      (error: unknown) =>
        this.options.telemetry.error(
          'could not post the outcome of a Slack action finished after its answer',
          {
            job: result.decision.job,
            error: errorMessage(error),
          },
        ),
    );
  };

  /**
   * The event handler's container runs no sweep, yet its policy stops and extends pools: the
   * notices of those actions its log refused (DynamoDB throttled) are sent again after its later
   * events, at most once a minute as a sweep's container would, and one only while the
   * invocation has the time its delivery may take at worst, with room for the log's writes: an
   * event already recorded must not time out (Lambda would retry it, and then call it failed).
   */
  async sendOwedNotices(remainingMs: () => number): Promise<void> {
    const nowMs = this.clock.now();
    const needMs =
      deliveryWorstCaseMs(this.config.notify.retry, this.config.notify.attemptTimeoutMs) +
      NOTICE_LOG_WRITES_MS;
    if (this.owedNotices.size === 0 || nowMs < this.owedNoticesDueMs || remainingMs() < needMs) return;
    this.owedNoticesDueMs = nowMs + SWEEP_EVERY_MS;
    // No pool read Available here: an expiry warning (the sweep's own notice) waits for a sweep.
    await this.owedNotices
      .sendAgain(this.notify.notifier, nowMs, new Set(), () => remainingMs() >= needMs)
      .catch((error: unknown) =>
        this.options.telemetry.error('could not send the notices owed', { error: errorMessage(error) }),
      );
  }

  /**
   * The reactors hold no state of an invocation (the policy is read through a getter at each
   * use): made once per container, not at every event and sweep.
   */
  private baseReactorList?: readonly FactReactor[];
  private ingestReactors?: readonly FactReactor[];

  ingestDeps(): ProcessDeps {
    this.ingestReactors ??= [...this.baseReactors(), this.makePolicyReactor()];
    // Named properties before the spreads: V8 adds a named property after a spread at a cost of
    // microseconds each (these objects are made at every invocation), before it at almost none.
    return {
      describeConcurrency: this.config.core.describeConcurrency,
      presumeReuse: this.config.core.presumeReuse,
      tagKeys: this.config.core.tagKeys,
      telemetry: this.options.telemetry,
      reactors: this.ingestReactors,
      ...this.actionDeps(),
      ...(this.config.core.home ? { home: this.config.core.home } : {}),
    };
  }

  /** What every fact is told to, in the sweep and at ingest; ingest adds the policy after them. */
  private baseReactors(): readonly FactReactor[] {
    this.baseReactorList ??= [
      ...(this.options.extraReactors ?? []),
      usageStatsReactor(this.stats, this.prices, {
        onIdleSpend: this.countIdleSpend,
        endWatch: this.config.policy.endWatch,
      }),
      // The owner hears "available until" before any policy action on the pool.
      this.notify.reactor,
    ];
    return this.baseReactorList;
  }

  private makePolicyReactor(): FactReactor {
    const runtime = this;
    return policyReactor({
      get setup() {
        return runtime.setup();
      },
      onAction: this.onAction,
      stats: this.stats,
      learnerMemo: this.learnerMemo,
      ...this.actionDeps(),
    });
  }

  /**
   * The reconciler of the home account and region (no location), or of another one through its
   * spoke's listing (none without spokes): one per scope for the container's life, with the
   * scope's own reconcile schedule and listing pace.
   */
  private reconcilerOf(location?: JobLocation): ReconcileDeps | undefined {
    const scope = location ? locationLabel(location) : '';
    const known = this.reconcilers.get(scope);
    if (known) return known;
    const catalog = location ? this.catalogOf?.(location) : this.catalog;
    if (!catalog) return undefined;
    const reconciler: ReconcileDeps = {
      catalog,
      schedule: location ? this.reconcileScheduleOf(scope) : this.reconcileSchedule,
      tagKeys: this.config.core.tagKeys,
      describeConcurrency: this.config.core.describeConcurrency,
      listWindowMs: reconcileWindowMs(this.config.core.limits),
      fullReconcileEveryMs: this.config.policy.fullReconcileEveryMs,
      longestEveryMs: this.config.policy.longestReconcileEveryMs,
      idleLongestEveryMs: this.config.policy.idleLongestReconcileEveryMs,
      ...(this.config.core.home ? { home: this.config.core.home } : {}),
      recordedEnds: this.recordedEnds,
      missingPools: this.missingPools,
      pace: new ListingPace(),
      stretch: { guard: new StretchGuard(), prices: this.prices },
    };
    this.reconcilers.set(scope, reconciler);
    return reconciler;
  }

  /**
   * The sweep over every account and region, each through its spoke's access. `scheduledAtMs`:
   * when the scheduled event that started this sweep was due (its `time`).
   */
  sweepAccountsDeps(
    remainingMs: () => number,
    forceReconcile = false,
    scheduledAtMs?: number,
  ): SweepAccountsDeps {
    // Named properties first, as in ingestDeps.
    return {
      access: this.access,
      ...this.sweepDeps(remainingMs, forceReconcile),
      ...(scheduledAtMs !== undefined ? { scheduledAtMs } : {}),
      ...(this.config.policy.catchUpEveryMs !== undefined
        ? { catchUp: { pause: this.pause, everyMs: this.config.policy.catchUpEveryMs } }
        : {}),
      ...(this.config.core.home ? { home: this.config.core.home } : {}),
      ...(this.config.spokes.members.length > 0 ? { members: this.config.spokes.members } : {}),
      // Each other account and region: its own listing, on its own reconcile schedule.
      ...(this.catalogOf ? { reconcilerFor: (location: JobLocation) => this.reconcilerOf(location) } : {}),
    };
  }

  sweepDeps(remainingMs: () => number, forceReconcile = false): SweepDeps {
    const reconciler = this.reconcilerOf();
    // Named properties first, as in ingestDeps.
    return {
      // The sweep's own stops only: those of the event handler or a click are made elsewhere when deployed.
      acceptedStops: this.acceptedStops,
      setup: this.setup(),
      stats: this.stats,
      learnerMemo: this.learnerMemo,
      telemetry: this.options.telemetry,
      reactors: this.baseReactors(),
      owedFacts: this.owedFacts,
      sendOwedNotices: (available, keepGoing) =>
        this.owedNotices.sendAgain(this.notify.notifier, this.clock.now(), available, keepGoing),
      onAction: this.onAction,
      pageSize: 100,
      concurrency: this.config.policy.sweepConcurrency,
      reconcileEveryMs: this.config.policy.reconcileEveryMs,
      endWatch: this.config.policy.endWatch,
      remainingMs,
      safetyMarginMs: sweepSafetyMarginMs(this.config),
      scheduleEveryMs: SWEEP_EVERY_MS,
      lookAheadMs: STATS_CACHE_MS,
      statsFreshUntilMs: () => this.stats.freshUntilMs(),
      ...this.actionDeps(),
      ...(reconciler ? { reconciler } : {}),
      ...(forceReconcile ? { forceReconcile } : {}),
    };
  }
}
