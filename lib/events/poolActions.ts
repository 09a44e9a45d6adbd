import * as z from 'zod/mini';
import { isJobRef } from '../domain/jobLocation';
import '../schema/zodMini';

/**
 * The pool buttons' action ids and value: a contract between the messages poolwarden sends and
 * the Slack actions handler that reads the clicks. Keep them stable: messages already sent
 * still carry them.
 */
export const POOL_ACTION_IDS = {
  extend: 'pool.extend',
  stop: 'pool.stop',
  keepUntilEndOfDay: 'pool.keep_until_eod',
  snooze: 'pool.snooze',
} as const;
export type PoolActionId = (typeof POOL_ACTION_IDS)[keyof typeof POOL_ACTION_IDS];

/**
 * What a button acts on: `job` is the job holding the warm pool (act on it), `hop` names the
 * pool hop the message was about, which is that same job's turn holding the pool. Both are the
 * names the ledger records (jobRef): a member account's job carries `<account>/<region>/`.
 */
export interface PoolActionValue {
  readonly job: string;
  readonly hop: string;
}

const jobReference = z.string().check(z.refine(isJobRef, 'not a job reference'));
const poolActionValue = z.object({ job: jobReference, hop: jobReference });

export const encodePoolActionValue = (value: PoolActionValue): string =>
  JSON.stringify({ job: value.job, hop: value.hop });

/** For the Slack actions handler: the value of a clicked button, or undefined when it is not one of ours. */
export const parsePoolActionValue = (raw: string): PoolActionValue | undefined => {
  try {
    const parsed = poolActionValue.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};
