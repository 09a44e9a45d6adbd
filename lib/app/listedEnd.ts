import type { JobRecord } from '../domain/jobRecord';
import type { TrainingJobDescription } from '../ports/trainingJobs';
import type { JobListing } from '../ports/warmPoolCatalog';

/**
 * What a DescribeTrainingJob of a pool's job would tell of its end, read from a listing line
 * instead: ListTrainingJobs' summaries carry the whole WarmPoolStatus (status, ReusedByJob and
 * the billable seconds) and TrainingEndTime. Only an end the line tells in full is taken (a
 * Terminated pool with its billable seconds, a Reused one with its job too); anything else is
 * still described.
 */
export const listedEnd = (record: JobRecord, line: JobListing): TrainingJobDescription | undefined => {
  const status = line.warmPoolStatus;
  if (line.billableSeconds === undefined) return undefined;
  if (status !== 'Terminated' && !(status === 'Reused' && line.reusedByJob !== undefined)) return undefined;
  return {
    name: line.name,
    status: line.status,
    instanceType: record.job?.criteria.instanceType ?? '',
    ...(line.endedAtMs !== undefined ? { endedAtMs: line.endedAtMs } : {}),
    warmPool: {
      status,
      billableSeconds: line.billableSeconds,
      ...(line.reusedByJob !== undefined ? { reusedByJob: line.reusedByJob } : {}),
    },
  };
};
