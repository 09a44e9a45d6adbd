import { coveringKeys, keysCoveredBy } from './notice';
import type { NoticeKey, NoticeRecord } from './notificationLog';

/** Delivered, or kept as a dead letter for a replay: either way its message tells what it covers. */
const tells = (record: NoticeRecord): boolean =>
  record.state === 'delivered' || record.state === 'dead-lettered';

const sameKey = (a: NoticeKey, b: NoticeKey): boolean =>
  a.job === b.job && a.kind === b.kind && a.hop === b.hop && a.occurrence === b.occurrence;

/**
 * `key` as the notices covering it tell it, for a notice with no item of its own: delivered,
 * with the first covering notice (in coveringKeys' order) whose message went out or waits in
 * the dead letters. `records` may hold any notices; those not covering `key` are ignored.
 * Undefined when none covers it. The covered notice is derived, never written, so the covering
 * notice's own delivered mark is the one write that tells both.
 */
export const coveredNotice = (key: NoticeKey, records: readonly NoticeRecord[]): NoticeRecord | undefined => {
  for (const covering of coveringKeys(key)) {
    const record = records.find((r) => sameKey(r.key, covering));
    if (!record || !tells(record)) continue;
    const atMs = record.deliveredAtMs ?? record.claimedAtMs;
    return {
      key,
      state: 'delivered',
      claims: 0,
      claimedAtMs: atMs,
      deliveredAtMs: atMs,
      coveredBy: record.key,
    };
  }
  return undefined;
};

/**
 * A job's notices with the covered ones that have no item of their own added: what the
 * notification log tells of the job. An item stands for itself, whether a covering notice
 * exists or not (an item an earlier version wrote for a covered notice included).
 */
export const withCoveredNotices = (records: readonly NoticeRecord[]): NoticeRecord[] => {
  const derived: NoticeRecord[] = [];
  for (const record of records) {
    for (const key of keysCoveredBy(record.key)) {
      if ([...records, ...derived].some((r) => sameKey(r.key, key))) continue;
      const covered = coveredNotice(key, records);
      if (covered) derived.push(covered);
    }
  }
  return [...records, ...derived];
};
