import type { JobLocation } from '../jobLocation';
import type { JobRecord } from '../jobRecord';
import { describedFields, type PoolView, poolStatusOf } from '../poolChain';

/** Everything `decide` needs to know about one pool, taken from its chain and head job. */
export interface PoolFacts {
  readonly poolId: string;
  readonly headJob: string;
  /** Only "Available" is ever acted on; anything else, or nothing, counts as in use. */
  readonly status?: string;
  readonly availableSinceMs?: number;
  /** Predicted by lib/domain/keepAlive.ts. */
  readonly expiresAtMs?: number;
  /** When the first job of the chain left the pool: the lifetime cap counts from here. */
  readonly bornAtMs?: number;
  /** What the head job itself asked for: the protect tag covers this much. */
  readonly ownKeepAliveSeconds?: number;
  /** When the head job took the pool over (absent for a pool never reused). */
  readonly lastReuseAtMs?: number;
  /** A person asked to keep the pool until then (e.g. Slack "Keep until…"): treated like protect. */
  readonly heldUntilMs?: number;
  readonly instanceType?: string;
  readonly instanceCount?: number;
  readonly owner?: string;
  readonly team?: string;
  readonly matchKey?: string;
  /** The head job's account and region, when its snapshot records them. */
  readonly location?: JobLocation;
  /** How long the head job took from its submission to its start: a warm start or a cold one. */
  readonly headStartupSeconds?: number;
  /** The head job's tags. */
  readonly tags: Readonly<Record<string, string>>;
}

/** The facts of a pool from the ledger: its chain's view and the chain's head job. */
/** What poolFactsOf reads of a pool's view. */
type ViewFacts = Pick<
  PoolView,
  | 'poolId'
  | 'headJob'
  | 'status'
  | 'reuseCount'
  | 'availableSinceMs'
  | 'expiresAtMs'
  | 'instanceType'
  | 'instanceCount'
  | 'owner'
  | 'team'
  | 'matchKey'
>;

export const poolFactsOf = (view: ViewFacts, head: JobRecord): PoolFacts => {
  const pool = head.pool;
  const job = head.job;
  // The first holder's pool is born when it becomes Available; later holders inherit bornAtMs.
  const bornAtMs = pool?.bornAtMs ?? (view.reuseCount === 0 ? pool?.availableSinceMs : undefined);
  const lastReuseAtMs = view.reuseCount > 0 ? (job?.startedAtMs ?? job?.createdAtMs) : undefined;
  const headStartupSeconds =
    job?.startedAtMs !== undefined && job.startedAtMs >= job.createdAtMs
      ? (job.startedAtMs - job.createdAtMs) / 1000
      : undefined;
  return {
    poolId: view.poolId,
    headJob: view.headJob,
    status: view.status,
    ...(view.availableSinceMs !== undefined ? { availableSinceMs: view.availableSinceMs } : {}),
    ...(view.expiresAtMs !== undefined ? { expiresAtMs: view.expiresAtMs } : {}),
    ...(bornAtMs !== undefined ? { bornAtMs } : {}),
    ...(job?.keepAliveSeconds !== undefined ? { ownKeepAliveSeconds: job.keepAliveSeconds } : {}),
    ...(lastReuseAtMs !== undefined ? { lastReuseAtMs } : {}),
    ...(pool?.heldUntilMs !== undefined ? { heldUntilMs: pool.heldUntilMs } : {}),
    ...(view.instanceType !== undefined ? { instanceType: view.instanceType } : {}),
    ...(view.instanceCount !== undefined ? { instanceCount: view.instanceCount } : {}),
    ...(view.owner !== undefined ? { owner: view.owner } : {}),
    ...(view.team !== undefined ? { team: view.team } : {}),
    ...(view.matchKey !== undefined ? { matchKey: view.matchKey } : {}),
    ...(job?.location ? { location: job.location } : {}),
    ...(headStartupSeconds !== undefined ? { headStartupSeconds } : {}),
    tags: job?.tags ?? {},
  };
};

/**
 * The facts of a pool from its head job alone, which is what the sweep reads from the index.
 * The pool's id and birth travel on every job of the chain; of its history only "was it
 * reused" matters to a decision, and `reusedPoolOf` says that.
 */
export const poolFactsOfHead = (head: JobRecord): PoolFacts => {
  // poolView of the head alone, as far as poolFactsOf reads it: the sweep and a replay ask at
  // every decision, and the whole view (hops, jobs, end) is read by nothing here.
  const described = head.job;
  return poolFactsOf(
    {
      poolId: head.pool?.poolId ?? head.name,
      headJob: head.name,
      status: poolStatusOf(head),
      reuseCount: head.reusedPoolOf ? 1 : 0,
      ...(head.pool?.expiresAtMs !== undefined ? { expiresAtMs: head.pool.expiresAtMs } : {}),
      ...(head.pool?.availableSinceMs !== undefined ? { availableSinceMs: head.pool.availableSinceMs } : {}),
      ...describedFields(described),
    },
    head,
  );
};
