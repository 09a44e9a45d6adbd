import { coveredNotice, withCoveredNotices } from '../../notify/coveredNotice';
import type { Envelope } from '../../notify/envelope';
import { coveringKeys } from '../../notify/notice';
import type {
  Claim,
  DeadLetter,
  NoticeKey,
  NoticeRecord,
  NotificationLog,
} from '../../notify/notificationLog';
import type { Page } from '../../ports/ledger';

interface StoredNotice extends NoticeRecord {
  readonly leaseUntilMs?: number;
}

const idOf = (key: NoticeKey): string =>
  [key.job, key.kind, key.hop, key.occurrence ?? ''].map(encodeURIComponent).join('/');

/**
 * The notification log in memory, with the same rules as the DynamoDB one: for unit tests
 * and for runs that need no table. The same contract test runs against both.
 */
export class MemoryNotificationLog implements NotificationLog {
  private readonly notices = new Map<string, StoredNotice>();
  /** Each job's notice ids: a job's notices are read without looking at any other's. */
  private readonly idsByJob = new Map<string, Set<string>>();
  private readonly letters = new Map<string, DeadLetter>();

  private store(key: NoticeKey, notice: StoredNotice): void {
    const id = idOf(key);
    this.notices.set(id, notice);
    const ids = this.idsByJob.get(key.job) ?? new Set<string>();
    ids.add(id);
    this.idsByJob.set(key.job, ids);
  }

  async claim(key: NoticeKey, nowMs: number, leaseMs: number): Promise<Claim> {
    const current = this.notices.get(idOf(key));
    const expired = current?.state === 'claimed' && (current.leaseUntilMs ?? 0) < nowMs;
    if (current && !expired) return { kind: 'duplicate', state: current.state };
    if (!current && this.coveredNotice(key)) return { kind: 'duplicate', state: 'delivered' };
    this.store(key, {
      key,
      state: 'claimed',
      claims: (current?.claims ?? 0) + 1,
      claimedAtMs: nowMs,
      leaseUntilMs: nowMs + leaseMs,
    });
    return { kind: 'claimed' };
  }

  async markDelivered(key: NoticeKey, nowMs: number): Promise<void> {
    const current = this.notices.get(idOf(key));
    this.store(key, {
      key,
      claims: current?.claims ?? 0,
      claimedAtMs: current?.claimedAtMs ?? nowMs,
      ...(current?.coveredBy ? { coveredBy: current.coveredBy } : {}),
      ...(current?.deadLetterId ? { deadLetterId: current.deadLetterId } : {}),
      state: 'delivered',
      deliveredAtMs: nowMs,
    });
  }

  /** `key` as a covering notice tells it, when one does. */
  private coveredNotice(key: NoticeKey): NoticeRecord | undefined {
    const covering = coveringKeys(key).flatMap((k) => this.getStored(k) ?? []);
    return coveredNotice(key, covering);
  }

  private getStored(key: NoticeKey): NoticeRecord | undefined {
    const stored = this.notices.get(idOf(key));
    if (!stored) return undefined;
    const { leaseUntilMs: _lease, ...record } = stored;
    return record;
  }

  async deadLetter(
    key: NoticeKey,
    envelopes: readonly Envelope[],
    error: string,
    nowMs: number,
  ): Promise<DeadLetter> {
    const id = `${new Date(nowMs).toISOString()}#${idOf(key)}`;
    const letter: DeadLetter = { id, key, failedAtMs: nowMs, attempts: 1, error, envelopes };
    this.letters.set(id, letter);
    const current = this.notices.get(idOf(key));
    this.store(key, {
      key,
      claims: current?.claims ?? 1,
      claimedAtMs: current?.claimedAtMs ?? nowMs,
      state: 'dead-lettered',
      deadLetterId: id,
    });
    return letter;
  }

  async getNotice(key: NoticeKey): Promise<NoticeRecord | undefined> {
    return this.getStored(key) ?? this.coveredNotice(key);
  }

  async noticesOf(job: string): Promise<NoticeRecord[]> {
    const stored = [...(this.idsByJob.get(job) ?? [])]
      .flatMap((id) => this.notices.get(id) ?? [])
      .map(({ leaseUntilMs: _lease, ...record }): NoticeRecord => record);
    return withCoveredNotices(stored).sort((a, b) => a.claimedAtMs - b.claimedAtMs);
  }

  async listDeadLetters(limit: number, cursor?: string): Promise<Page<DeadLetter>> {
    const ids = [...this.letters.keys()].sort().filter((id) => cursor === undefined || id > cursor);
    const items = ids.slice(0, limit).flatMap((id) => this.letters.get(id) ?? []);
    const last = items[items.length - 1];
    return { items, ...(ids.length > limit && last ? { cursor: last.id } : {}) };
  }

  async getDeadLetter(id: string): Promise<DeadLetter | undefined> {
    return this.letters.get(id);
  }

  async resolveDeadLetter(letter: DeadLetter, nowMs: number): Promise<void> {
    await this.markDelivered(letter.key, nowMs);
    this.letters.delete(letter.id);
  }

  async recordReplayFailure(
    letter: DeadLetter,
    envelopes: readonly Envelope[],
    error: string,
  ): Promise<DeadLetter> {
    const current = this.letters.get(letter.id) ?? letter;
    const updated: DeadLetter = { ...current, attempts: current.attempts + 1, error, envelopes };
    this.letters.set(letter.id, updated);
    return updated;
  }
}
