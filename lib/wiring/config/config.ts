import type { EndWatchSettings } from '../../domain/endWatch';
import type { JobLocation } from '../../domain/jobLocation';
import type { KeepAliveLimits } from '../../domain/keepAlive';
import type { OwnerTagKeys } from '../../domain/owner';
import type { RetryPolicy } from '../../notify/retry';

export type LedgerRiders = 'off' | 'write' | 'on';

/** The ledger and the reading of jobs: what every function and the CLI share. */
export interface CoreConfig {
  readonly tableName: string;
  readonly limits: KeepAliveLimits;
  readonly describeConcurrency: number;
  /** A warm start presumes its first candidate pool taken instead of describing it (domain/reusePresumption.ts). */
  readonly presumeReuse: boolean;
  /**
   * The ledger's riders in byExpiry (adapters/dynamo/byExpiryRiders.ts): `off` writes none and
   * takes none; `write` writes them and takes the reconcile items' alone; `on` takes the gap
   * log's head too. A rollout from a version without them steps through all three (README).
   */
  readonly ledgerRiders: LedgerRiders;
  readonly tagKeys: OwnerTagKeys;
  /**
   * The deployment's own account and region: its jobs keep their bare names in the ledger.
   * Absent: one account and region, whichever the jobs are in.
   */
  readonly home?: JobLocation;
}

/** How the hub reaches the training jobs of other accounts: each one's spoke role. */
export interface SpokeConfig {
  /** The role the spoke stack creates in every member account. */
  readonly roleName: string;
  /** What the spoke role's trust policy requires as sts:ExternalId. */
  readonly externalId?: string;
  /**
   * Member accounts and regions reconciled each reconcile period whatever the ledger holds, so
   * that a pool or a job end whose events were all lost there is found.
   */
  readonly members: readonly JobLocation[];
}

/** EventBridge Scheduler's side of the wakes: the schedule group, the sweep, the role it invokes with. */
export interface SweepWakeConfig {
  readonly group: string;
  readonly functionArn: string;
  readonly roleArn: string;
}

/** How the policies run: the kill switch, where the policy comes from, the sweep's pace. */
export interface PolicyConfig {
  /** Every action becomes a dry run (a runtime SSM parameter, when named, overrides this). */
  readonly killSwitch: boolean;
  readonly killSwitchParam?: string;
  /** An SSM parameter holding the policy file's text; absent: the built-in default policy. */
  readonly policyParam?: string;
  readonly sweepConcurrency: number;
  /** The reconcile period after a reconcile that found something the events missed (the base). */
  readonly reconcileEveryMs: number;
  /** The longest period quiet reconciles stretch it to (domain/reconcilePeriod.ts). */
  readonly longestReconcileEveryMs: number;
  /** The longest it stretches to while no running job's pool would be dear idle (domain/reconcilePeriod.ts). */
  readonly idleLongestReconcileEveryMs: number;
  /** How often the reconcile lists every Available pool of the window, not only what changed. */
  readonly fullReconcileEveryMs: number;
  /** While end events run late, how often a sweep lists what changed within its invocation; absent: off. */
  readonly catchUpEveryMs?: number;
  /**
   * Where the functions ask for the sweep's wakes (app/sweepWakes.ts); absent: none asked, the
   * backstop schedule alone sweeps (the CLI, tests).
   */
  readonly wakes?: SweepWakeConfig;
  /** Which running jobs the sweep describes around their expected end. */
  readonly endWatch: EndWatchSettings;
}

export type SlackConfig =
  | { readonly mode: 'off' }
  | {
      readonly mode: 'webhook';
      /** SSM SecureString holding the webhook URL; absent when a local run gives the URL in the environment. */
      readonly webhookUrlParameter?: string;
    }
  | {
      readonly mode: 'bot';
      readonly botTokenParameter?: string;
      /** Where messages for jobs that name no one go. */
      readonly defaultChannel: string;
      /** Look owners' DMs up from their email tag (users.lookupByEmail, scope users:read.email). */
      readonly dmByEmail: boolean;
      /** Another Web API base URL, e.g. the local Slack sink. */
      readonly apiUrl?: string;
    };

export interface NotifyConfig {
  readonly slack: SlackConfig;
  /** Email through one SNS topic; absent when email is off. */
  readonly email?: { readonly topicArn: string };
  /** The `owner` attribute of emails about jobs without an owner tag: ops subscribe to it. */
  readonly defaultOwner: string;
  readonly defaultTimeZone: string;
  readonly timeZoneTagKeys: readonly string[];
  readonly expiryWarningLeadSeconds: number;
  readonly retry: RetryPolicy;
  /** One HTTP attempt's limit, for Slack and SNS alike. */
  readonly attemptTimeoutMs: number;
  readonly leaseSeconds: number;
  /** How long notice items stay in the ledger table (TTL); dead letters stay until replayed. */
  readonly retentionDays: number;
  readonly concurrency: number;
}

export interface SlackActionsConfig {
  /** SSM SecureString holding the Slack app's signing secret. */
  readonly signingSecretParameter?: string;
  /** A plain signing secret is in the environment (local runs only). */
  readonly localSigningSecret: boolean;
  /** Slack user ids who may act on any pool. */
  readonly admins: ReadonlySet<string>;
  readonly snoozeSeconds: number;
  /** How long the answer waits for the owner's notice before answering Slack anyway. */
  readonly notifyBudgetMs: number;
  /** One response_url post's limit. */
  readonly replyTimeoutMs: number;
  /** Answer to http://127.0.0.1 response URLs: the local stack's Slack sink. Never in AWS. */
  readonly loopbackReplies: boolean;
}

/** The whole configuration, parsed once from the environment and handed down. */
export interface PoolwardenConfig {
  readonly core: CoreConfig;
  readonly spokes: SpokeConfig;
  readonly policy: PolicyConfig;
  readonly notify: NotifyConfig;
  readonly slackActions: SlackActionsConfig;
}
