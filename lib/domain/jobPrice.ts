import { hourlyPrice, type PriceTable } from './prices';
import type { JobSnapshot } from './trainingJob';

/** One instance of a job's type an hour, in the job's region where the table has it; undefined when it does not know it. */
export const jobUnitPrice = (prices: PriceTable, job: JobSnapshot): number | undefined =>
  hourlyPrice(prices, job.criteria.instanceType, job.location?.region);

/** What a job's pool costs an hour idle (every instance); undefined when the price table does not know it. */
export const poolIdleUsdPerHour = (prices: PriceTable, job: JobSnapshot): number | undefined => {
  const price = jobUnitPrice(prices, job);
  return price === undefined ? undefined : price * job.criteria.instanceCount;
};
