import type { Page } from './ledger';

export type PoolAction = 'extend' | 'stop' | 'warn' | 'hold';

/**
 * What became of a decision: done, only recorded (dry run), refused by SageMaker, moot, or
 * unknown (SageMaker could not be asked what happened: retried, never taken as done).
 */
export type DecisionOutcome = 'applied' | 'dry-run' | 'failed' | 'skipped' | 'unknown';

/**
 * One action on one pool hop, by a policy, an operator or a Slack user, with why and what
 * came of it. Every action poolwarden takes or would take is recorded as one of these.
 */
export interface DecisionRecord {
  /** The job whose keep-alive holds the pool. */
  readonly job: string;
  readonly poolId: string;
  readonly atMs: number;
  readonly action: PoolAction;
  /** `policy:<rule>`, `operator:<name>`, `slack:<user id>`. */
  readonly actor: string;
  readonly rule?: string;
  readonly cause?: string;
  readonly reason: string;
  readonly dryRun: boolean;
  readonly outcome: DecisionOutcome;
  readonly keepAliveSeconds?: number;
  /** For extend and hold: the new predicted end; for warn: when the pool will end. */
  readonly endsAtMs?: number;
  readonly error?: string;
  readonly team?: string;
  readonly owner?: string;
  /** Decisions with the same key are one decision: it is recorded once. */
  readonly dedupeKey: string;
}

export interface DecisionLog {
  /** Records the decision unless one with the same job and key exists; returns whether it was new. */
  record(decision: DecisionRecord): Promise<boolean>;
  decisionsOf(job: string): Promise<DecisionRecord[]>;
  /** Decisions taken on one UTC day (yyyy-mm-dd), oldest first. */
  decisionsOn(day: string, limit: number, cursor?: string): Promise<Page<DecisionRecord>>;
}
