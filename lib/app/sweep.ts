import type { JobRecord } from '../domain/jobRecord';
import type { Decision } from '../domain/policy/decide';
import { evaluatePool, type PolicySetup } from '../domain/policy/evaluatePool';
import type { PoolAction } from '../ports/decisionLog';
import type { Telemetry } from '../ports/telemetry';
import type { UsageStats } from '../ports/usageStats';
import {
  type ActionDeps,
  type ActionRequest,
  type ActionResult,
  applyPoolAction,
  repeatableKey,
} from './applyPoolAction';
import type { LedgerFact } from './ledgerFacts';
import { mapBounded } from './mapBounded';
import { observeDescription } from './observeDescription';
import type { FactReactor } from './processJobStateChange';
import { knowledgeAt, readSweepStats, type SweepKnowledge, situationAt } from './sweepStats';
import { nextSweepChangeAt } from './sweepWake';

export interface SweepDeps extends ActionDeps {
  readonly setup: PolicySetup;
  readonly stats: UsageStats;
  readonly telemetry: Telemetry;
  readonly reactors: readonly FactReactor[];
  /** Told of every action that was recorded for the first time (notifications, the timeline). */
  readonly onAction?: (result: ActionResult, decision: Decision) => Promise<void>;
  readonly pageSize: number;
  readonly concurrency: number;
  /** Describe a pool at least this often even when nothing is due, to notice what no event tells. */
  readonly reconcileEveryMs: number;
  /** Wall-clock milliseconds left in this invocation; pools not reached in time wait for the next run. */
  readonly remainingMs: () => number;
  /** Stop starting pools when less than this is left. */
  readonly safetyMarginMs: number;
  /** How often the sweep is scheduled: a sweep that changed nothing tells when the next one could. */
  readonly scheduleEveryMs: number;
  /** How far ahead it looks for that: when its cached statistics are read again. */
  readonly lookAheadMs: number;
}

export interface SweepReport {
  readonly availablePools: number;
  readonly reached: number;
  readonly reconciled: number;
  readonly actions: Readonly<Record<string, number>>;
  readonly failures: number;
  /**
   * The first scheduled instant at which a sweep could act: describe a pool, or decide otherwise
   * for one. Barring an event (or a click) meanwhile, the sweeps before it do nothing.
   */
  readonly nextChangeAtMs: number;
}

/**
 * The scheduled sweep: every Available pool, soonest expiry first. A pool past its predicted
 * expiry, or not looked at for a while, is described and reconciled (expired, reused, stopped
 * by someone else); every pool still Available gets a policy decision, which is acted on and
 * recorded. Unknown state counts as in use: a pool whose describe fails is left alone.
 */
export const sweep = async (deps: SweepDeps): Promise<SweepReport> => {
  const pools: JobRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.ledger.availablePools(deps.pageSize, cursor);
    pools.push(...page.items);
    cursor = page.cursor;
  } while (cursor);

  const nowMs = deps.clock.now();
  const readings = await readSweepStats(deps.stats, pools, nowMs);
  const knowledge = knowledgeAt(readings, pools, nowMs, deps.setup.prices);
  // Whether this sweep left everything as it found it but the pools' last looks; then the pools
  // as they now stand, and the decisions recorded once that it made again, tell the next sweep that could act.
  let quiet = true;
  const after = new Map<string, JobRecord>();
  const repeated = new Set<string>();
  const facts: LedgerFact[] = [];
  const actions: Record<string, number> = {};
  let reached = 0;
  let reconciled = 0;
  let failures = 0;

  await mapBounded(pools, deps.concurrency, async (pool) => {
    if (deps.remainingMs() < deps.safetyMarginMs) return;
    reached++;
    try {
      let head = pool;
      const expiresAtMs = pool.pool?.expiresAtMs ?? nowMs;
      const lastLook = pool.pool?.observedAtMs ?? 0;
      if (nowMs >= expiresAtMs || nowMs - lastLook >= deps.reconcileEveryMs) {
        reconciled++;
        const description = await deps.trainingJobs.describe(pool.name);
        if (!description) {
          quiet = false;
          deps.telemetry.warn('SageMaker does not know a pool the ledger holds as Available; left alone', {
            job: pool.name,
          });
          return;
        }
        const seen = await observeDescription(deps, pool, description);
        facts.push(...seen);
        if (seen.length > 0 || description.warmPool?.status !== 'Available') quiet = false;
        if (description.warmPool?.status !== 'Available') return;
        if (nowMs >= expiresAtMs) {
          // The keep-alive rules predicted an end that has not come: the assumption in keepAlive.ts is off.
          deps.telemetry.count('PoolsOutlivingPrediction');
        }
        head = (await deps.ledger.getJob(pool.name)) ?? pool;
      }
      const acted = await decideAndAct(deps, head, knowledge, nowMs);
      after.set(head.name, acted?.result.record ?? head);
      if (!acted) return;
      const repeatKey = repeatableKey(acted.request);
      if (repeatKey !== undefined && acted.result.facts.length === 0)
        repeated.add(`${head.name}\n${repeatKey}`);
      else quiet = false;
      facts.push(...acted.result.facts);
      if (acted.result.firstTime) {
        const key = `${acted.decision.action}:${acted.result.decision.outcome}`;
        actions[key] = (actions[key] ?? 0) + 1;
        if (acted.result.decision.outcome === 'failed') failures++;
      }
    } catch (error) {
      quiet = false;
      // One pool's trouble (throttling past the SDK's retries, say) never stops the others.
      failures++;
      deps.telemetry.error('sweep could not handle a pool; the next sweep tries again', {
        job: pool.name,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  });

  for (const reactor of deps.reactors) {
    try {
      await reactor.react(facts);
    } catch (error) {
      deps.telemetry.error('a reactor failed during the sweep', {
        reactor: reactor.name,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  deps.telemetry.count('SweepPools', pools.length);
  deps.telemetry.count('SweepFailures', failures);
  const nextChangeAtMs =
    quiet && reached === pools.length
      ? nextSweepChangeAt({
          pools: pools.flatMap((p) => after.get(p.name) ?? []),
          readings,
          alreadyDone: (head, decision) => {
            if (decision.action === 'leave') return true;
            const key = repeatableKey(policyRequest(head, decision, decision.action));
            return key !== undefined && repeated.has(`${head.name}\n${key}`);
          },
          setup: deps.setup,
          nowMs,
          reconcileEveryMs: deps.reconcileEveryMs,
          everyMs: deps.scheduleEveryMs,
          lookAheadMs: deps.lookAheadMs,
        })
      : nowMs + deps.scheduleEveryMs;
  return { availablePools: pools.length, reached, reconciled, actions, failures, nextChangeAtMs };
};

/** Decides for one Available pool and acts; undefined when the decision is to leave it. */
export const decideAndAct = async (
  deps: Pick<SweepDeps, 'setup' | 'onAction'> & ActionDeps,
  head: JobRecord,
  knowledge: SweepKnowledge,
  nowMs: number,
): Promise<{ decision: Decision; request: ActionRequest; result: ActionResult } | undefined> => {
  const { decision } = evaluatePool(deps.setup, situationAt(head, knowledge, nowMs));
  if (decision.action === 'leave') return undefined;
  const request = policyRequest(head, decision, decision.action);
  const result = await applyPoolAction(deps, request);
  if (result.firstTime) await deps.onAction?.(result, decision);
  return { decision, request, result };
};

/** What a policy decision asks of a pool. */
const policyRequest = (head: JobRecord, decision: Decision, action: PoolAction): ActionRequest => ({
  head,
  action,
  actor: `policy:${decision.rule}`,
  rule: decision.rule,
  cause: decision.cause,
  reason: decision.reason,
  dryRun: decision.dryRun,
  ...optional('keepAliveSeconds', decision.keepAliveSeconds),
  ...optional('untilMs', decision.endsAtMs),
});

const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, V>);
