import { type JobLocation, locationLabel, sameLocation, trainingJobArn } from '../../lib/domain/jobLocation';
import { type MatchCriteria, matchKey, normaliseCriteria } from '../../lib/domain/matchKey';
import { DEFAULT_OWNER_TAG_KEYS, type OwnerTagKeys, resolveOwner } from '../../lib/domain/owner';
import { hourlyPrice, type PriceTable } from '../../lib/domain/prices';
import type { JobSnapshot } from '../../lib/domain/trainingJob';
import { traceJobCriteria } from '../../lib/trace/traceCriteria';
import type { TraceJob } from '../../lib/trace/traceJob';
import { LOCAL_HOME } from '../../lib/wiring/localStack';
import { locationOf } from '../local/runtime/traceSubmission';
import { DEFAULT_STOP_DELAY_SECONDS } from '../local/sagemaker/emulatorOptions';
import { isClientSideFailure } from '../local/sagemaker/warmPoolRules';

/** One trace job as the simulation needs it: its match key, price and whether it can leave a pool. */
export interface SimJob {
  readonly index: number;
  readonly name: string;
  readonly submitAtMs: number;
  readonly durationSeconds: number;
  /**
   * From training start to the end of the job: its duration, and for a Stopped job the time
   * StopTrainingJob takes to stop it (the emulator's stop delay): its pool is Available only then.
   */
  readonly runSeconds: number;
  /** What the job itself asked for. */
  readonly keepAliveSeconds: number;
  /**
   * SageMaker keeps a pool after this job (given a keep-alive > 0): Completed, Stopped after its
   * cluster launched (every trace stop comes after the start), or Failed with an algorithm or
   * client error; and the account has warm pool quota for the instance type.
   */
  readonly leavesPool: boolean;
  readonly matchKey: string;
  readonly criteria: MatchCriteria;
  /** Its account and region: the trace line's, or the local stack's home (as `poolwarden local` runs it). */
  readonly location: JobLocation;
  readonly instanceType: string;
  readonly instanceCount: number;
  /** USD per instance-hour in the job's region; 0 when the price table does not know the type. */
  readonly pricePerInstanceHourUsd: number;
  readonly priceKnown: boolean;
  readonly owner?: string;
  readonly team?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface PrepareOptions {
  readonly prices: PriceTable;
  /** Instance types with a warm pool quota of 0: their jobs never leave a pool. */
  readonly noQuotaTypes?: readonly string[];
  /** A job that asks for no keep-alive (0) leaves no pool, whatever the policy: whatif's reality. */
  readonly honourOwnKeepAlive?: boolean;
  /** Which tags name a job's owner and team; absent: the deployed defaults (owner.ts). */
  readonly ownerTagKeys?: OwnerTagKeys;
}

const leavesPool = (job: TraceJob, noQuota: ReadonlySet<string>, honourOwn: boolean): boolean => {
  if (noQuota.has(job.instanceType)) return false;
  if (honourOwn && job.keepAliveSeconds <= 0) return false;
  if (job.outcome === 'Failed') return isClientSideFailure(job.failureReason);
  return true;
};

/**
 * A job's normalised criteria and match key, made once per distinct criteria and location: a trace
 * has few (the 10,000-job trace 95), and a key is a SHA-256, on the way to every whatif's first
 * row. Criteria equal as JSON are equal field for field (a trace's are strings, positive integers
 * and booleans, as the trace schema checks them), so jobs that share the result get what they each
 * would have. A job away from the local stack's home has its location in its key, as the live path
 * keys it (jobStateChange.ts): a pool never crosses accounts or regions.
 */
const criteriaKeying = () => {
  const known = new Map<string, { readonly criteria: MatchCriteria; readonly key: string }>();
  return (raw: MatchCriteria, location: JobLocation) => {
    const elsewhere = sameLocation(location, LOCAL_HOME) ? undefined : location;
    const text = elsewhere ? `${locationLabel(elsewhere)}/${JSON.stringify(raw)}` : JSON.stringify(raw);
    let found = known.get(text);
    if (!found) {
      const criteria = normaliseCriteria(raw);
      found = { criteria, key: matchKey(criteria, elsewhere) };
      known.set(text, found);
    }
    return found;
  };
};

/** The trace in submission order, with what the simulation needs precomputed. */
export const prepareJobs = (trace: readonly TraceJob[], options: PrepareOptions): SimJob[] => {
  const noQuota = new Set(options.noQuotaTypes ?? []);
  const keyed = criteriaKeying();
  const tagKeys = options.ownerTagKeys ?? DEFAULT_OWNER_TAG_KEYS;
  return [...trace]
    .sort((a, b) => a.submitAtMs - b.submitAtMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((job, index) => {
      const location = locationOf(job, LOCAL_HOME);
      const { criteria, key } = keyed(traceJobCriteria(job), location);
      const price = hourlyPrice(options.prices, job.instanceType, location.region);
      // Owner and team as the live path reads them (the first present tag key, trimmed).
      const { owner, team } = resolveOwner(job.tags, tagKeys);
      return {
        index,
        name: job.name,
        submitAtMs: job.submitAtMs,
        durationSeconds: job.durationSeconds,
        runSeconds: job.durationSeconds + (job.outcome === 'Stopped' ? DEFAULT_STOP_DELAY_SECONDS : 0),
        leavesPool: leavesPool(job, noQuota, options.honourOwnKeepAlive ?? false),
        keepAliveSeconds: job.keepAliveSeconds,
        matchKey: key,
        criteria,
        location,
        instanceType: job.instanceType,
        instanceCount: job.instanceCount,
        pricePerInstanceHourUsd: price ?? 0,
        priceKnown: price !== undefined,
        ...(owner !== undefined ? { owner } : {}),
        ...(team !== undefined ? { team } : {}),
        tags: job.tags,
      };
    });
};

/** The ledger's snapshot of a finished job, as ingestJobEvent would have recorded it. */
export const snapshotOf = (
  job: SimJob,
  times: { startedAtMs: number; endedAtMs: number },
  keepAliveSeconds: number,
): JobSnapshot => ({
  name: job.name,
  arn: trainingJobArn(job.name, job.location),
  location: job.location,
  status: 'Completed',
  lastModifiedMs: times.endedAtMs,
  createdAtMs: job.submitAtMs,
  startedAtMs: times.startedAtMs,
  endedAtMs: times.endedAtMs,
  criteria: job.criteria,
  matchKey: job.matchKey,
  keepAliveSeconds,
  spot: false,
  heterogeneous: false,
  tags: job.tags,
  ...(job.owner !== undefined ? { owner: job.owner } : {}),
  ...(job.team !== undefined ? { team: job.team } : {}),
});
