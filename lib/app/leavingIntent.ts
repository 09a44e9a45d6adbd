import type { JobRecord } from '../domain/jobRecord';
import type { TrainingJobDescription } from '../ports/trainingJobs';
import { type ActionDeps, finishPendingAction } from './applyPoolAction';

/**
 * Finishes the pending action of a pool SageMaker shows leaving Available (reused, ended), within
 * its lease too: once the pool is out of the Available index no read leads back to it, and a stop
 * or extend SageMaker took would be missing from the audit and untold for good. An invocation still
 * alive that records it afterwards finds it recorded and tells nobody. The outcome is read from
 * SageMaker's keep-alive, so a description without it (a listing's line) is replaced by a describe.
 * Returns the record as it then stands; with the intent still on it while SageMaker cannot be
 * asked (unknown: the pool then stays for the next look).
 */
export const finishLeavingIntent = async (
  deps: ActionDeps,
  record: JobRecord,
  description: TrainingJobDescription,
): Promise<JobRecord> => {
  const described =
    description.keepAliveSeconds !== undefined ? description : await deps.trainingJobs.describe(record.name);
  const finished = await finishPendingAction(deps, record, described, {
    killSwitch: (await deps.killSwitch?.()) ?? false,
  });
  if (!finished) return record;
  if (finished.firstTime) await deps.onAction?.(finished);
  return finished.decision.outcome === 'unknown' ? record : finished.record;
};
