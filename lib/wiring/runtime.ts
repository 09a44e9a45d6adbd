import { documentClient, sageMakerClient } from '../adapters/awsClients';
import { CachedUsageStats } from '../adapters/cachedUsageStats';
import { DynamoDecisionLog } from '../adapters/dynamo/dynamoDecisionLog';
import { DynamoLedger } from '../adapters/dynamo/dynamoLedger';
import { DynamoUsageStats } from '../adapters/dynamo/dynamoUsageStats';
import { SageMakerTrainingJobs } from '../adapters/sagemaker/sageMakerTrainingJobs';
import type { ActionDeps, ActionResult } from '../app/applyPoolAction';
import type { FactReactor } from '../app/factReactor';
import { policyReactor } from '../app/policyReactor';
import type { ProcessDeps } from '../app/processJobStateChange';
import type { SweepDeps } from '../app/sweep';
import type { SweepAccountsDeps } from '../app/sweepAccounts';
import { usageStatsReactor } from '../app/usageStatsReactor';
import type { PolicySetup } from '../domain/policy/evaluatePool';
import type { Policy } from '../domain/policy/policy';
import { DEFAULT_PRICES, type PriceTable } from '../domain/prices';
import { noticeForAction } from '../notify/decisionNotices';
import type { SentNotification } from '../notify/notifier';
import type { SlackSecrets } from '../notify/slackSecrets';
import type { AccountAccess } from '../ports/accountAccess';
import { type Clock, systemClock } from '../ports/clock';
import type { DecisionOutcome } from '../ports/decisionLog';
import type { Telemetry } from '../ports/telemetry';
import type { TrainingJobs } from '../ports/trainingJobs';
import type { UsageStats } from '../ports/usageStats';
import type { PoolwardenConfig } from './config/config';
import type { Environment } from './config/configError';
import { parseSwitch } from './config/variables';
import { type NotifyDependencies, notifyDependencies } from './notifyDependencies';
import { PolicySource } from './policySource';
import { SpokeClients } from './spokeClients';
import { CONTEXT_KEYS, contextValue, slackSecretsFrom } from './ssmParameters';

/** How long a container reuses what it read of owners' activity, learnt gaps and spend. */
const STATS_CACHE_MS = 5 * 60_000;

export interface RuntimeOptions {
  readonly config: PoolwardenConfig;
  readonly telemetry: Telemetry;
  readonly clock?: Clock;
  readonly prices?: PriceTable;
  readonly initialPolicy?: Policy;
  /** Reactors besides the built-in ones (the local stack's timeline). */
  readonly extraReactors?: readonly FactReactor[];
  readonly onSent?: (sent: SentNotification) => void;
  readonly onAction?: (result: ActionResult) => void;
  readonly initialSecrets?: SlackSecrets;
}

/** Metrics for the dashboard (resources/observability.yml), in the `poolwarden` namespace. */
export const IDLE_COST_METRIC = 'IdleCostUsd';
const ACTION_METRICS: Record<DecisionOutcome, string> = {
  applied: 'ActionsApplied',
  'dry-run': 'ActionsDryRun',
  failed: 'ActionsFailed',
  skipped: 'ActionsSkipped',
};
export const actionMetric = (outcome: DecisionOutcome): string => ACTION_METRICS[outcome];

/**
 * Everything a poolwarden function needs, built once per container: the AWS clients and
 * adapters, the notification path and the policy in force. Each function takes the slice it
 * needs; per-invocation values (secrets, policy text, kill switch) come through refresh().
 */
export class Runtime {
  readonly clock: Clock;
  readonly ledger: DynamoLedger;
  /** Every account and region's training jobs, each through its own client. */
  readonly trainingJobs: TrainingJobs;
  readonly access: AccountAccess;
  readonly decisions: DynamoDecisionLog;
  readonly stats: UsageStats;
  readonly notify: NotifyDependencies;
  readonly policySource: PolicySource;
  readonly prices: PriceTable;
  readonly config: PoolwardenConfig;
  private killSwitch: boolean;

  constructor(private readonly options: RuntimeOptions) {
    const { core, notify, policy } = options.config;
    const client = documentClient();
    this.config = options.config;
    this.clock = options.clock ?? systemClock;
    this.ledger = new DynamoLedger(client, core.tableName);
    const homeSageMaker = sageMakerClient();
    if (core.home) {
      const spokes = new SpokeClients(options.config.spokes, core.home, homeSageMaker);
      this.trainingJobs = spokes.trainingJobs();
      this.access = spokes;
    } else {
      this.trainingJobs = new SageMakerTrainingJobs(homeSageMaker);
      this.access = { check: async () => {} };
    }
    this.decisions = new DynamoDecisionLog(client, core.tableName);
    this.stats = new CachedUsageStats(
      new DynamoUsageStats(client, core.tableName),
      this.clock,
      STATS_CACHE_MS,
    );
    this.prices = options.prices ?? DEFAULT_PRICES;
    this.notify = notifyDependencies(core, notify, {
      clock: this.clock,
      telemetry: options.telemetry,
      ...(options.onSent ? { onSent: options.onSent } : {}),
      ...(options.initialSecrets ? { initialSecrets: options.initialSecrets } : {}),
    });
    this.policySource = new PolicySource(options.telemetry, options.initialPolicy);
    this.killSwitch = policy.killSwitch;
  }

  /** Reads what middy's ssm middleware fetched for this invocation. */
  refresh(context: object, env: Environment = process.env): void {
    this.notify.slackSecrets.set(slackSecretsFrom(context, env));
    const policyText = contextValue(context, CONTEXT_KEYS.policy);
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
    };
  }

  /** The dashboard's idle cost: USD of every pool hop that ended, from the price table. */
  private readonly countIdleSpend = (usd: number): void =>
    this.options.telemetry.count(IDLE_COST_METRIC, usd);

  /** Tells the owner about an action recorded for the first time, and whoever else listens. */
  readonly onAction = async (result: ActionResult): Promise<void> => {
    this.options.telemetry.count(actionMetric(result.decision.outcome));
    this.options.onAction?.(result);
    const notice = noticeForAction(result);
    if (notice) await this.notify.notifier.notify(notice);
  };

  ingestDeps(): ProcessDeps {
    const runtime = this;
    return {
      ...this.actionDeps(),
      describeConcurrency: this.config.core.describeConcurrency,
      tagKeys: this.config.core.tagKeys,
      ...(this.config.core.home ? { home: this.config.core.home } : {}),
      telemetry: this.options.telemetry,
      reactors: [
        ...(this.options.extraReactors ?? []),
        usageStatsReactor(this.stats, this.prices, this.countIdleSpend),
        // The owner hears "available until" before any policy action on the pool.
        this.notify.reactor,
        policyReactor({
          get setup() {
            return runtime.setup();
          },
          onAction: this.onAction,
          stats: this.stats,
          ...this.actionDeps(),
        }),
      ],
    };
  }

  /** The sweep over every account and region, each through its spoke's access. */
  sweepAccountsDeps(remainingMs: () => number): SweepAccountsDeps {
    return {
      ...this.sweepDeps(remainingMs),
      access: this.access,
      ...(this.config.core.home ? { home: this.config.core.home } : {}),
    };
  }

  sweepDeps(remainingMs: () => number): SweepDeps {
    return {
      ...this.actionDeps(),
      setup: this.setup(),
      stats: this.stats,
      telemetry: this.options.telemetry,
      reactors: [
        ...(this.options.extraReactors ?? []),
        usageStatsReactor(this.stats, this.prices, this.countIdleSpend),
        this.notify.reactor,
      ],
      onAction: this.onAction,
      pageSize: 100,
      concurrency: this.config.policy.sweepConcurrency,
      reconcileEveryMs: this.config.policy.reconcileEveryMs,
      remainingMs,
      safetyMarginMs: 5_000,
    };
  }
}
