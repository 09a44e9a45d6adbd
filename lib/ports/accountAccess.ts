import type { JobLocation } from '../domain/jobLocation';

/** Whether poolwarden can act on the training jobs of one account and region. */
export interface AccountAccess {
  /** Resolves when it can; rejects with the reason (the spoke role missing, throttled) when it cannot. */
  check(location: JobLocation): Promise<void>;
}
