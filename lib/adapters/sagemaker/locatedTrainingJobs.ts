import { type JobLocation, jobRef, parseJobRef, sameLocation } from '../../domain/jobLocation';
import type { TrainingJobDescription, TrainingJobs } from '../../ports/trainingJobs';

/**
 * Training jobs in several accounts and regions behind the one TrainingJobs port. The ledger
 * names a job by its reference (jobRef in lib/domain/jobLocation.ts); this adapter sends each
 * call to the SageMaker of the job's account and region, with the bare SageMaker name, and
 * names the jobs in the answer by their references again.
 */
export class LocatedTrainingJobs implements TrainingJobs {
  constructor(
    private readonly home: JobLocation,
    private readonly homeJobs: TrainingJobs,
    private readonly jobsIn: (location: JobLocation) => TrainingJobs,
  ) {}

  private route(ref: string): { name: string; location: JobLocation; jobs: TrainingJobs } {
    const { name, location } = parseJobRef(ref, this.home);
    const jobs = sameLocation(location, this.home) ? this.homeJobs : this.jobsIn(location);
    return { name, location, jobs };
  }

  async describe(ref: string, signal?: AbortSignal): Promise<TrainingJobDescription | undefined> {
    const { name, location, jobs } = this.route(ref);
    const description = await jobs.describe(name, signal);
    if (!description) return undefined;
    const { warmPool } = description;
    return {
      ...description,
      name: jobRef(description.name, location, this.home),
      ...(warmPool
        ? {
            warmPool: {
              ...warmPool,
              ...(warmPool.reusedByJob
                ? { reusedByJob: jobRef(warmPool.reusedByJob, location, this.home) }
                : {}),
            },
          }
        : {}),
    };
  }

  setKeepAlive(ref: string, seconds: number, signal?: AbortSignal): Promise<void> {
    const { name, jobs } = this.route(ref);
    return jobs.setKeepAlive(name, seconds, signal);
  }
}
