import { type JobLocation, jobRef } from '../../../lib/domain/jobLocation';
import type { JobInspection, PoolInspection } from '../sagemaker/inspection';
import type { PlaceInspection } from '../sagemaker/sageMakerEmulator';

/**
 * The emulator's jobs and pools of every account and region, named as the ledger names them
 * (jobRef: bare at home, `<account>/<region>/<name>` elsewhere), so that the two compare job by job.
 */
export const qualifiedInspections = (
  places: readonly PlaceInspection[],
  home: JobLocation,
): { jobs: JobInspection[]; pools: PoolInspection[] } => {
  const jobs: JobInspection[] = [];
  const pools: PoolInspection[] = [];
  for (const { location, jobs: placeJobs, pools: placePools } of places) {
    const ref = (name: string) => jobRef(name, location, home);
    for (const job of placeJobs)
      jobs.push({
        ...job,
        name: ref(job.name),
        ...(job.reusedPoolOf ? { reusedPoolOf: ref(job.reusedPoolOf) } : {}),
        ...(job.reusedByJob ? { reusedByJob: ref(job.reusedByJob) } : {}),
        ...(job.poolId ? { poolId: ref(job.poolId) } : {}),
      });
    for (const pool of placePools) pools.push({ ...pool, id: ref(pool.id), jobs: pool.jobs.map(ref) });
  }
  return { jobs, pools };
};
