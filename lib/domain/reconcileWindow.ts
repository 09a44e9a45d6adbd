import type { KeepAliveLimits } from './keepAlive';

/**
 * How far back the reconciler lists jobs (by LastModifiedTime) for Available pools. A pool
 * lives at most the lifetime cap from the end of its chain's first job, and the job holding it
 * now ended after that; its end modified it. So a job last modified earlier than the cap ago
 * cannot hold an Available pool. (By creation time the bound would add the longest runtime,
 * 28 days, and double the list's cost.)
 */
export const reconcileWindowMs = (limits: KeepAliveLimits): number => limits.lifetimeCapSeconds * 1000;
