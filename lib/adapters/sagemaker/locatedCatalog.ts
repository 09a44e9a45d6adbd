import { type JobLocation, jobRef, parseJobRef } from '../../domain/jobLocation';
import type { TrainingJobDetails } from '../../ports/trainingJobs';
import type { Listing, ListingPart, WarmPoolCatalog } from '../../ports/warmPoolCatalog';

/**
 * One account and region's SageMaker listings, with its jobs named as the ledger names them
 * (jobRef in lib/domain/jobLocation.ts), so that the reconciler sets them against the ledger as
 * it does the home account's. The inner catalog signs with that account's spoke role.
 */
export class LocatedCatalog implements WarmPoolCatalog {
  constructor(
    private readonly location: JobLocation,
    private readonly home: JobLocation,
    private readonly inner: WarmPoolCatalog,
  ) {}

  private named(listing: Listing): Listing {
    return {
      ...listing,
      jobs: listing.jobs.map((job) => ({
        ...job,
        name: jobRef(job.name, this.location, this.home),
        ...(job.reusedByJob ? { reusedByJob: jobRef(job.reusedByJob, this.location, this.home) } : {}),
      })),
    };
  }

  async availablePools(modifiedAfterMs: number, part?: ListingPart): Promise<Listing> {
    return this.named(await this.inner.availablePools(modifiedAfterMs, part));
  }

  async changedJobs(modifiedAfterMs: number): Promise<Listing> {
    return this.named(await this.inner.changedJobs(modifiedAfterMs));
  }

  async details(ref: string): Promise<TrainingJobDetails | undefined> {
    const details = await this.inner.details(parseJobRef(ref, this.home).name);
    if (!details) return undefined;
    const { warmPool } = details;
    return {
      ...details,
      name: jobRef(details.name, this.location, this.home),
      ...(warmPool
        ? {
            warmPool: {
              ...warmPool,
              ...(warmPool.reusedByJob
                ? { reusedByJob: jobRef(warmPool.reusedByJob, this.location, this.home) }
                : {}),
            },
          }
        : {}),
    };
  }
}
