import type { NearMiss } from '../domain/jobRecord';
import type { JobSnapshot } from '../domain/trainingJob';
import type { NoPool } from '../domain/warmPool';
import type { NoticeKey } from './notificationLog';

/** Every message poolwarden sends an owner. */
export const NOTICE_KINDS = [
  'job-ended',
  'pool-available',
  'expiry-warning',
  'pool-extended',
  'pool-stopped',
  'near-miss',
  'no-pool',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** Who or what changed a pool's keep-alive, and why: told to the owner as it is recorded. */
export interface PoolDecision {
  /** The policy rule that decided, or e.g. `manual` for a person. */
  readonly policy: string;
  readonly reason: string;
  /** `policy`, `slack:U123`, `cli:alice`… */
  readonly decidedBy: string;
  /** Nothing was changed: the owner is told what would have happened. */
  readonly dryRun: boolean;
}

/**
 * A message to send, with everything its text needs. Each variant names the job whose tags
 * say who receives it; `hop` is the job holding the pool the message is about (one job
 * holds a pool for one hop of its chain).
 */
export type Notice =
  | { readonly kind: 'job-ended'; readonly job: JobSnapshot }
  | {
      readonly kind: 'pool-available';
      readonly job: JobSnapshot;
      readonly expiresAtMs: number;
      readonly keepAliveSeconds?: number;
    }
  | {
      readonly kind: 'expiry-warning';
      readonly job: JobSnapshot;
      /** When the pool ends: its keep-alive running out, or a stop a policy has planned. */
      readonly expiresAtMs: number;
      readonly availableSinceMs?: number;
      /** Set when a policy gave the warning: its rule and reason are shown. */
      readonly decision?: PoolDecision;
    }
  | {
      readonly kind: 'pool-extended';
      readonly job: JobSnapshot;
      /** When the pool ends: for a hold, its end as it was, which a hold does not move. */
      readonly expiresAtMs: number;
      readonly previousExpiresAtMs?: number;
      /**
       * Set for a hold (Snooze, or Keep until end of day when no extension fits): auto-stop is
       * held off until then, while the keep-alive still ends the pool at `expiresAtMs`.
       */
      readonly heldUntilMs?: number;
      readonly decision: PoolDecision;
    }
  | {
      readonly kind: 'pool-stopped';
      readonly job: JobSnapshot;
      readonly availableSinceMs?: number;
      /** When it was stopped: a notice sent later (owed) tells the idle time up to the stop. */
      readonly stoppedAtMs?: number;
      readonly decision: PoolDecision;
    }
  | { readonly kind: 'near-miss'; readonly job: JobSnapshot; readonly nearMiss: NearMiss }
  | { readonly kind: 'no-pool'; readonly job: JobSnapshot; readonly noPool: NoPool };

/**
 * The identity that makes a notice "the same message": one per kind per pool hop. An
 * extension or an expiry warning can happen several times in one hop, once per expiry, so
 * those are keyed by the expiry too. A dry-run decision gets one message per hop: a dry run
 * decides again on every sweep and must not say so every minute.
 */
export const noticeKey = (notice: Notice): NoticeKey => {
  const job = notice.job.name;
  switch (notice.kind) {
    case 'expiry-warning':
      return { job, kind: notice.kind, hop: job, occurrence: String(notice.expiresAtMs) };
    case 'pool-extended':
      return {
        job,
        kind: notice.kind,
        hop: job,
        occurrence: notice.decision.dryRun ? 'dry-run' : String(notice.heldUntilMs ?? notice.expiresAtMs),
      };
    case 'pool-stopped':
      return notice.decision.dryRun
        ? { job, kind: notice.kind, hop: job, occurrence: 'dry-run' }
        : { job, kind: notice.kind, hop: job };
    case 'near-miss':
      return { job, kind: notice.kind, hop: notice.nearMiss.poolOf };
    default:
      return { job, kind: notice.kind, hop: job };
  }
};

/**
 * The kinds whose message already tells the job's end (status, duration, failure): once one of
 * them is sent, a separate "job ended" message would only repeat it.
 */
const TELLS_THE_END: readonly string[] = ['pool-available', 'no-pool'] satisfies NoticeKind[];

/** The one "job ended" notice of a job (its own hop, no occurrence). */
const endKey = (job: string): NoticeKey => ({ job, kind: 'job-ended', hop: job });

/** The notices that the message of the notice keyed `key` also tells. */
export const keysCoveredBy = (key: NoticeKey): NoticeKey[] =>
  TELLS_THE_END.includes(key.kind) && key.hop === key.job && key.occurrence === undefined
    ? [endKey(key.job)]
    : [];

/** The notices `notice`'s message also tells. */
export const coveredKeys = (notice: Notice): NoticeKey[] => keysCoveredBy(noticeKey(notice));

/**
 * The notices whose message, once delivered (or kept to be replayed), also tells `key`: the
 * other direction of keysCoveredBy. A covered notice has no item of its own: its claim is
 * refused while one of these stands (the notification log).
 */
export const coveringKeys = (key: NoticeKey): NoticeKey[] =>
  key.kind === 'job-ended' && key.hop === key.job && key.occurrence === undefined
    ? TELLS_THE_END.map((kind) => ({ job: key.job, kind, hop: key.hop }))
    : [];

export type NoticeOf<K extends NoticeKind> = Extract<Notice, { readonly kind: K }>;
