import type { TrainingJobDescription, TrainingJobs } from '../../lib/ports/trainingJobs';
import { jobEvent } from './jobEvents';

/**
 * A small, exact model of SageMaker's warm-pool behaviour over a fixed history, for property
 * tests: every job's WarmPoolStatus is known at every instant, so a describe "now" is exact.
 */
export interface WorldJobSpec {
  readonly name: string;
  readonly submitAtMs: number;
  readonly durationMs: number;
  readonly volumeSizeInGB: number;
  readonly keepAliveSeconds: number;
  readonly instanceType: string;
}

interface PoolSegment {
  readonly fromMs: number;
  readonly status: 'InUse' | 'Available' | 'Reused' | 'Terminated';
  readonly reusedByJob?: string;
  readonly billableSeconds?: number;
}

interface WorldJob extends WorldJobSpec {
  readonly startedAtMs: number;
  readonly endedAtMs: number;
  readonly segments: PoolSegment[];
}

export const COLD_START_MS = 143_000;
export const WARM_START_MS = 21_000;
/** An instance type for which the account has no warm pool quota. */
export const NO_QUOTA_TYPE = 'ml.p5.48xlarge';

export class ScriptedWorld implements TrainingJobs {
  readonly jobs: WorldJob[] = [];

  constructor(specs: readonly WorldJobSpec[]) {
    const open: Array<{ job: WorldJob; key: string; availableAtMs: number; expiresAtMs: number }> = [];
    for (const spec of [...specs].sort(
      (a, b) => a.submitAtMs - b.submitAtMs || a.name.localeCompare(b.name),
    )) {
      const key = `${spec.instanceType}/${spec.volumeSizeInGB}`;
      const candidates = open
        .filter((p) => p.key === key && p.availableAtMs <= spec.submitAtMs && p.expiresAtMs > spec.submitAtMs)
        .sort((a, b) => a.expiresAtMs - b.expiresAtMs);
      const taken = candidates[0];
      const startedAtMs = spec.submitAtMs + (taken ? WARM_START_MS : COLD_START_MS);
      const endedAtMs = startedAtMs + spec.durationMs;
      const segments: PoolSegment[] = [];
      if (taken) {
        open.splice(open.indexOf(taken), 1);
        taken.job.segments.push({
          fromMs: spec.submitAtMs,
          status: 'Reused',
          reusedByJob: spec.name,
          billableSeconds: Math.round((spec.submitAtMs - taken.availableAtMs) / 1000),
        });
        segments.push({ fromMs: spec.submitAtMs, status: 'InUse' });
      }
      const job: WorldJob = { ...spec, startedAtMs, endedAtMs, segments };
      this.jobs.push(job);
      if (spec.keepAliveSeconds > 0 && spec.instanceType !== NO_QUOTA_TYPE) {
        const expiresAtMs = endedAtMs + spec.keepAliveSeconds * 1000;
        segments.push({ fromMs: endedAtMs, status: 'Available' });
        open.push({ job, key, availableAtMs: endedAtMs, expiresAtMs });
      } else if (taken) {
        // A reused cluster whose new job keeps no pool is released when that job ends.
        segments.push({ fromMs: endedAtMs, status: 'Terminated', billableSeconds: 0 });
      }
    }
    // Pools nobody took end when their keep-alive runs out.
    for (const pool of open) {
      pool.job.segments.push({
        fromMs: pool.expiresAtMs,
        status: 'Terminated',
        billableSeconds: pool.job.keepAliveSeconds,
      });
    }
    for (const job of this.jobs) job.segments.sort((a, b) => a.fromMs - b.fromMs);
  }

  /** The instant describe() answers for; the test moves it as deliveries happen. */
  nowMs = 0;

  async describe(name: string): Promise<TrainingJobDescription | undefined> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job || job.submitAtMs > this.nowMs) return undefined;
    const ended = job.endedAtMs <= this.nowMs;
    const segment = [...job.segments].reverse().find((s) => s.fromMs <= this.nowMs);
    return {
      name,
      status: ended ? 'Completed' : 'InProgress',
      instanceType: job.instanceType,
      startedAtMs: job.startedAtMs,
      keepAliveSeconds: job.keepAliveSeconds,
      ...(ended ? { endedAtMs: job.endedAtMs } : {}),
      ...(segment
        ? {
            warmPool: {
              status: segment.status,
              ...(segment.reusedByJob ? { reusedByJob: segment.reusedByJob } : {}),
              ...(segment.billableSeconds !== undefined ? { billableSeconds: segment.billableSeconds } : {}),
            },
          }
        : {}),
    };
  }

  async setKeepAlive(): Promise<void> {
    throw new Error('the scripted world is read-only');
  }

  /** Start and end events of every job, each at the instant it happened. */
  events(): Array<{ atMs: number; event: ReturnType<typeof jobEvent> }> {
    return this.jobs.flatMap((job) => {
      const common = {
        name: job.name,
        createdAtMs: job.submitAtMs,
        volumeSizeInGB: job.volumeSizeInGB,
        keepAliveSeconds: job.keepAliveSeconds,
        instanceType: job.instanceType,
      };
      return [
        {
          atMs: job.submitAtMs,
          event: jobEvent({ ...common, status: 'InProgress', lastModifiedMs: job.submitAtMs }),
        },
        {
          atMs: job.endedAtMs,
          event: jobEvent({
            ...common,
            status: 'Completed',
            startedAtMs: job.startedAtMs,
            endedAtMs: job.endedAtMs,
            lastModifiedMs: job.endedAtMs,
            style: 'registry',
          }),
        },
      ];
    });
  }
}
