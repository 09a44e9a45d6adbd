import type { ActionResult } from '../../lib/app/applyPoolAction';
import { sampleAvailablePool } from './sampleCriteria';

/** A policy's stop of `job`'s pool, applied and recorded for the first time: its owner notice follows. */
export const samplePolicyStop = (job: string, atMs: number): ActionResult => ({
  decision: {
    job,
    poolId: job,
    atMs,
    action: 'stop',
    actor: 'policy:test',
    reason: 'idle',
    dryRun: false,
    outcome: 'applied',
    dedupeKey: 'stop#1',
  },
  firstTime: true,
  record: sampleAvailablePool(job, atMs),
  facts: [],
});
