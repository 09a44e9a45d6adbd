import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDecisionLog } from '../../lib/adapters/dynamo/dynamoDecisionLog';
import { DynamoLedger, ReuseConflictError } from '../../lib/adapters/dynamo/dynamoLedger';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import type { JobRecord, PoolState } from '../../lib/domain/jobRecord';
import { DEFAULT_KEEP_ALIVE_LIMITS, lifetimeEndMs } from '../../lib/domain/keepAlive';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import type { JobSnapshot } from '../../lib/domain/trainingJob';
import { parseJobStateChange } from '../../lib/events/jobStateChange';
import type { Ledger } from '../../lib/ports/ledger';
import { type JobEventOptions, jobEvent, T0 } from '../support/jobEvents';
import { type LocalDynamo, startLocalDynamo } from '../support/localDynamo';
import { withOverrides } from '../support/overrides';

const snapshot = (options: JobEventOptions): JobSnapshot => {
  const parsed = parseJobStateChange(jobEvent(options), DEFAULT_OWNER_TAG_KEYS);
  if (!parsed.ok) throw new Error(parsed.rejection.message);
  return parsed.snapshot;
};

const available = (expiresAtMs: number): PoolState => ({
  status: 'Available',
  availableSinceMs: expiresAtMs - 1_800_000,
  expiresAtMs,
  keepAliveSeconds: 1800,
  bornAtMs: expiresAtMs - 1_800_000,
  observedAtMs: T0,
});

const recorded = async (ledger: Ledger, options: JobEventOptions): Promise<JobRecord> => {
  const write = await ledger.recordSnapshot(snapshot(options));
  return write.record;
};

/** b's pool, born at its end 2 hours after T0, taken by c, which the ledger links with `birth`. */
const bTakenByC = async (ledger: Ledger, birth: { readonly poolId: string; readonly bornAtMs: number }) => {
  const b = await recorded(ledger, { name: 'b' });
  await ledger.observePool(b, withOverrides(available(T0 + 9_000_000), { reusedByJob: undefined }));
  await ledger.observePool(b, {
    status: 'Reused',
    reusedByJob: 'c',
    billableSeconds: 60,
    bornAtMs: T0 + 7_200_000,
    observedAtMs: T0,
  });
  await ledger.linkReuse('b', 'c', birth, lifetimeEndMs(birth.bornAtMs, DEFAULT_KEEP_ALIVE_LIMITS));
};

/** The rules every Ledger must keep; run against DynamoDB (dynalite) and the in-memory ledger. */
const ledgerContract = (name: string, makeLedger: () => Promise<Ledger>) =>
  describe(`${name} ledger contract`, () => {
    it('keeps the newest snapshot whatever order they arrive in', async () => {
      const ledger = await makeLedger();
      const end = snapshot({ name: 'j1', status: 'Completed', lastModifiedMs: T0 + 2000 });
      const start = snapshot({ name: 'j1', status: 'InProgress', lastModifiedMs: T0 + 1000 });
      expect((await ledger.recordSnapshot(end)).kind).toBe('recorded');
      const late = await ledger.recordSnapshot(start);
      expect(late.kind).toBe('stale');
      expect(late.record.job?.status).toBe('Completed');
      expect((await ledger.recordSnapshot(end)).kind).toBe('recorded');
      const sameTimeEarlierStatus = snapshot({ name: 'j1', status: 'InProgress', lastModifiedMs: T0 + 2000 });
      expect((await ledger.recordSnapshot(sameTimeEarlierStatus)).kind).toBe('stale');
    });

    it('moves a pool forward only, and keeps the indexes to Available pools', async () => {
      const ledger = await makeLedger();
      const record = await recorded(ledger, { name: 'p1' });
      expect((await ledger.observePool(record, available(T0 + 5000))).applied).toBe(true);
      expect((await ledger.observePool(record, { status: 'InUse', observedAtMs: T0 })).applied).toBe(false);
      const again = await ledger.observePool(record, available(T0 + 9000));
      expect(again.applied).toBe(false);
      expect(again.pool.expiresAtMs).toBe(T0 + 5000);
      expect((await ledger.availableByMatchKey(record.job?.matchKey ?? '')).map((r) => r.name)).toEqual([
        'p1',
      ]);
      expect((await ledger.availableByOwner('alice')).map((r) => r.name)).toEqual(['p1']);

      const ended = await ledger.observePool(record, {
        status: 'Terminated',
        billableSeconds: 1800,
        observedAtMs: T0 + 1,
      });
      expect(ended.applied).toBe(true);
      expect(ended.pool).toMatchObject({
        status: 'Terminated',
        expiresAtMs: T0 + 5000,
        bornAtMs: T0 + 5000 - 1_800_000,
      });
      expect(
        (await ledger.observePool(record, { status: 'Reused', reusedByJob: 'x', observedAtMs: T0 + 2 }))
          .applied,
      ).toBe(false);
      expect(await ledger.availableByMatchKey(record.job?.matchKey ?? '')).toEqual([]);
      expect(await ledger.availableByOwner('alice')).toEqual([]);
      const after = await ledger.getJob('p1');
      expect(after?.pool).toMatchObject({
        status: 'Terminated',
        billableSeconds: 1800,
        expiresAtMs: T0 + 5000,
      });
    });

    it('pages through Available pools soonest expiry first', async () => {
      const ledger = await makeLedger();
      for (const [i, expiry] of [5, 1, 4, 2, 3].entries()) {
        const record = await recorded(ledger, { name: `q${i}` });
        await ledger.observePool(record, available(T0 + expiry * 60_000));
      }
      const names: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await ledger.availablePools(2, cursor);
        names.push(...page.items.map((r) => r.name));
        cursor = page.cursor;
        pages++;
      } while (cursor);
      expect(names).toEqual(['q1', 'q3', 'q4', 'q2', 'q0']);
      expect(pages).toBeGreaterThanOrEqual(3);
    });

    it('links a reuse once, clears a near miss, and refuses a second predecessor', async () => {
      const ledger = await makeLedger();
      await recorded(ledger, { name: 'b', status: 'InProgress' });
      await ledger.recordNearMiss('b', { poolOf: 'z', differences: [] });
      await ledger.linkReuse(
        'a',
        'b',
        { poolId: 'a', bornAtMs: T0 },
        lifetimeEndMs(T0, DEFAULT_KEEP_ALIVE_LIMITS),
      );
      await ledger.linkReuse(
        'a',
        'b',
        { poolId: 'a', bornAtMs: T0 },
        lifetimeEndMs(T0, DEFAULT_KEEP_ALIVE_LIMITS),
      );
      const b = await ledger.getJob('b');
      expect(b).toMatchObject({ reusedPoolOf: 'a', pool: { status: 'InUse', bornAtMs: T0, poolId: 'a' } });
      expect(b?.nearMiss).toBeUndefined();
      await ledger.recordNearMiss('b', { poolOf: 'z', differences: [] });
      expect((await ledger.getJob('b'))?.nearMiss).toBeUndefined();
      await expect(
        ledger.linkReuse(
          'c',
          'b',
          { poolId: 'c', bornAtMs: T0 },
          lifetimeEndMs(T0, DEFAULT_KEEP_ALIVE_LIMITS),
        ),
      ).rejects.toBeInstanceOf(ReuseConflictError);
      // An adopted job's near miss may come before anything else of it: its record is named.
      await ledger.recordNearMiss('unheard', { poolOf: 'z', differences: [] });
      expect(await ledger.getJob('unheard')).toEqual({
        name: 'unheard',
        nearMiss: { poolOf: 'z', differences: [] },
      });
    });

    it('carries the earliest birth down a chain learnt out of order', async () => {
      const ledger = await makeLedger();
      await bTakenByC(ledger, { poolId: 'b', bornAtMs: T0 + 7_200_000 });
      // Only now does the ledger learn that b itself had reused a's pool, born at T0.
      await ledger.linkReuse(
        'a',
        'b',
        { poolId: 'a', bornAtMs: T0 },
        lifetimeEndMs(T0, DEFAULT_KEEP_ALIVE_LIMITS),
      );
      expect((await ledger.getJob('b'))?.pool).toMatchObject({ bornAtMs: T0, poolId: 'a' });
      expect((await ledger.getJob('c'))?.pool).toMatchObject({ bornAtMs: T0, poolId: 'a' });
    });

    it("carries the chain's id down past a job that held another chain born at the same instant", async () => {
      const ledger = await makeLedger();
      // c took b's pool while b was wrongly linked to a same-minute twin's chain (born at T0 too).
      await bTakenByC(ledger, { poolId: 'twin', bornAtMs: T0 });
      expect((await ledger.getJob('c'))?.pool).toMatchObject({ bornAtMs: T0, poolId: 'twin' });
      // SageMaker's word: b took a's pool, born at T0 as well. c's birth is no later, its chain is a's.
      await ledger.linkReuse(
        'a',
        'b',
        { poolId: 'a', bornAtMs: T0 },
        lifetimeEndMs(T0, DEFAULT_KEEP_ALIVE_LIMITS),
      );
      expect((await ledger.getJob('b'))?.pool).toMatchObject({ bornAtMs: T0, poolId: 'a' });
      expect((await ledger.getJob('c'))?.pool).toMatchObject({ bornAtMs: T0, poolId: 'a' });
    });

    it("brings an Available pool's predicted end within the lifetime of a birth carried down to it", async () => {
      const ledger = await makeLedger();
      // c ended with a pool the ledger took for its own (born at its end), then learnt it was b's.
      const c = await recorded(ledger, { name: 'c' });
      await ledger.observePool(c, available(T0 + 9_000_000));
      await ledger.linkReuse('b', 'c', { poolId: 'b', bornAtMs: T0 + 7_000_000 }, T0 + 8_000_000);
      expect((await ledger.getJob('c'))?.pool).toMatchObject({
        status: 'Available',
        bornAtMs: T0 + 7_000_000,
        poolId: 'b',
        expiresAtMs: T0 + 8_000_000,
      });
      // b's own link (b Reused by c), learnt later: the earlier birth reaches c, and its cap with it.
      const b = await recorded(ledger, { name: 'b' });
      await ledger.observePool(b, {
        status: 'Reused',
        reusedByJob: 'c',
        billableSeconds: 60,
        bornAtMs: T0 + 7_000_000,
        observedAtMs: T0,
      });
      await ledger.linkReuse('a', 'b', { poolId: 'a', bornAtMs: T0 }, T0 + 6_000_000);
      expect((await ledger.getJob('c'))?.pool).toMatchObject({
        bornAtMs: T0,
        poolId: 'a',
        expiresAtMs: T0 + 6_000_000,
      });
      // A cap that does not bind leaves the predicted end alone; a pool not Available is not capped.
      await ledger.linkReuse('a', 'b', { poolId: 'a', bornAtMs: T0 }, T0 + 7_000_000);
      expect((await ledger.getJob('c'))?.pool?.expiresAtMs).toBe(T0 + 6_000_000);
      expect((await ledger.getJob('b'))?.pool?.expiresAtMs).toBeUndefined();
    });

    it("gives an observed pool no chain's birth but through a link: one from a link taken back is the job's own", async () => {
      const ledger = await makeLedger();
      await recorded(ledger, { name: 'taker', status: 'InProgress', lastModifiedMs: T0 + 1000 });
      await ledger.linkReuse('giver', 'taker', { poolId: 'giver', bornAtMs: T0 }, T0 + 60_000_000);
      // Read while linked (an adoption's read), then the presumed link is taken back.
      const read = await ledger.getJob('taker');
      expect(read?.pool).toMatchObject({ status: 'InUse', bornAtMs: T0, poolId: 'giver' });
      expect(await ledger.unlinkPresumedReuse('taker', 'giver')).toBe(true);
      // The state built from that read carries the withdrawn chain's birth and id.
      const end = snapshot({ name: 'taker', status: 'Completed', lastModifiedMs: T0 + 2000 });
      const stale = { ...available(T0 + 9_000_000), bornAtMs: T0, poolId: 'giver' };
      const write = await ledger.recordEnd(end, { kind: 'pool', pool: stale });
      const own = { bornAtMs: stale.availableSinceMs, poolId: 'taker' };
      expect(write).toMatchObject({ kind: 'recorded', pool: { pool: own } });
      expect((await ledger.getJob('taker'))?.pool).toMatchObject({ status: 'Available', ...own });
      // And so through observePool, for a job with no pool recorded yet.
      const other = await recorded(ledger, { name: 'other' });
      const observed = await ledger.observePool(other, { ...stale });
      expect(observed.pool).toMatchObject({ bornAtMs: stale.availableSinceMs, poolId: 'other' });
      expect((await ledger.getJob('other'))?.pool).toMatchObject({
        bornAtMs: stale.availableSinceMs,
        poolId: 'other',
      });
    });

    it('lists jobs by UTC submission day, oldest first, a page at a time', async () => {
      const ledger = await makeLedger();
      const day = new Date(T0).toISOString().slice(0, 10);
      const nextDay = new Date(T0 + 86_400_000).toISOString().slice(0, 10);
      await recorded(ledger, { name: 'day-b', createdAtMs: T0 + 2000 });
      await recorded(ledger, { name: 'day-a', createdAtMs: T0 + 1000 });
      await recorded(ledger, { name: 'day-c', createdAtMs: T0 + 3000 });
      await recorded(ledger, { name: 'tomorrow', createdAtMs: T0 + 86_400_000 });
      const names: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await ledger.jobsSubmittedOn(day, 2, cursor);
        names.push(...page.items.map((r) => r.name));
        cursor = page.cursor;
        pages++;
      } while (cursor && pages < 10);
      expect(names.filter((n) => n.startsWith('day-'))).toEqual(['day-a', 'day-b', 'day-c']);
      expect(names).not.toContain('tomorrow');
      expect(pages).toBeGreaterThanOrEqual(2);
      expect((await ledger.jobsSubmittedOn(nextDay, 10)).items.map((r) => r.name)).toContain('tomorrow');
    });

    it("keeps an end event's first arrival, whether its snapshot applies or is stale", async () => {
      const ledger = await makeLedger();
      const end = snapshot({ name: 'arr', status: 'Completed', lastModifiedMs: T0 + 2000 });
      // A listing recorded the end first: no arrival.
      expect((await ledger.recordSnapshot(end)).record.endEventAtMs).toBeUndefined();
      // The event's own snapshot, the same: it applies, and brings its arrival.
      const first = await ledger.recordSnapshot(end, T0 + 5000);
      expect(first.record.endEventAtMs).toBe(T0 + 5000);
      // A copy later keeps the first arrival, in the answer and on the item.
      expect((await ledger.recordSnapshot(end, T0 + 9000)).record.endEventAtMs).toBe(T0 + 5000);
      await ledger.recordEndEvent('arr', T0 + 9000);
      expect((await ledger.getJob('arr'))?.endEventAtMs).toBe(T0 + 5000);

      // A stale end event (a newer snapshot recorded by a listing) records its arrival apart.
      const newer = snapshot({ name: 'stale', status: 'Completed', lastModifiedMs: T0 + 3000 });
      const older = snapshot({ name: 'stale', status: 'Completed', lastModifiedMs: T0 + 2000 });
      await ledger.recordSnapshot(newer);
      const stale = await ledger.recordSnapshot(older, T0 + 4000);
      expect(stale.kind).toBe('stale');
      expect(stale.record.endEventAtMs).toBeUndefined();
      await ledger.recordEndEvent('stale', T0 + 4000);
      await ledger.recordEndEvent('stale', T0 + 7000);
      expect((await ledger.getJob('stale'))?.endEventAtMs).toBe(T0 + 4000);
      expect((await ledger.getJob('stale'))?.job?.lastModifiedMs).toBe(T0 + 3000);

      // A job the ledger never heard of is left alone: no half-written item.
      await ledger.recordEndEvent('unheard', T0);
      expect(await ledger.getJob('unheard')).toBeUndefined();
    });

    it("records a job's end and its pool in one write, out of the running index and into the Available ones", async () => {
      const ledger = await makeLedger();
      await recorded(ledger, { name: 'e1', status: 'InProgress', lastModifiedMs: T0 + 1000 });
      await ledger.linkReuse(
        'e0',
        'e1',
        { poolId: 'e0', bornAtMs: T0 - 60_000 },
        lifetimeEndMs(T0 - 60_000, DEFAULT_KEEP_ALIVE_LIMITS),
      );
      const end = snapshot({ name: 'e1', status: 'Completed', lastModifiedMs: T0 + 2000 });
      const write = await ledger.recordEnd(end, { kind: 'pool', pool: available(T0 + 5000) }, T0 + 3000);
      expect(write).toMatchObject({
        kind: 'recorded',
        previous: { status: 'InProgress' },
        pool: { applied: true, pool: { status: 'Available', bornAtMs: T0 - 60_000, poolId: 'e0' } },
      });
      const stored = await ledger.getJob('e1');
      // The answer is the item as now stored; the chain's birth is kept, not the state's own.
      expect(write.record).toEqual(stored);
      expect(stored).toMatchObject({
        job: { status: 'Completed' },
        reusedPoolOf: 'e0',
        endEventAtMs: T0 + 3000,
        pool: { status: 'Available', expiresAtMs: T0 + 5000, bornAtMs: T0 - 60_000, poolId: 'e0' },
      });
      expect((await ledger.runningJobs(10)).items).toEqual([]);
      expect((await ledger.availableByMatchKey(end.matchKey)).map((r) => r.name)).toEqual(['e1']);
      expect((await ledger.availableByOwner('alice')).map((r) => r.name)).toEqual(['e1']);
      expect((await ledger.availablePools(10)).items.map((r) => r.name)).toEqual(['e1']);

      // Ended since: the pool leaves the Available indexes with the same kind of write.
      const later = snapshot({ name: 'e1', status: 'Completed', lastModifiedMs: T0 + 4000 });
      const ended = await ledger.recordEnd(later, {
        kind: 'pool',
        pool: { status: 'Terminated', billableSeconds: 60, observedAtMs: T0 + 9000 },
      });
      expect(ended).toMatchObject({ kind: 'recorded', pool: { applied: true } });
      expect((await ledger.getJob('e1'))?.pool).toMatchObject({
        status: 'Terminated',
        billableSeconds: 60,
        expiresAtMs: T0 + 5000,
      });
      expect(await ledger.availableByMatchKey(end.matchKey)).toEqual([]);
      expect((await ledger.availablePools(10)).items).toEqual([]);
    });

    it("writes a job's end alone when its pool is recorded that far already, and nothing when the end is stale", async () => {
      const ledger = await makeLedger();
      const record = await recorded(ledger, { name: 'e2', status: 'InProgress', lastModifiedMs: T0 + 1000 });
      await ledger.observePool(record, { status: 'Terminated', billableSeconds: 30, observedAtMs: T0 });
      const end = snapshot({ name: 'e2', status: 'Completed', lastModifiedMs: T0 + 2000 });
      const write = await ledger.recordEnd(end, { kind: 'pool', pool: available(T0 + 5000) });
      expect(write).toMatchObject({
        kind: 'recorded',
        pool: { applied: false, pool: { status: 'Terminated', billableSeconds: 30 } },
      });
      expect(await ledger.getJob('e2')).toMatchObject({
        job: { status: 'Completed' },
        pool: { status: 'Terminated', billableSeconds: 30 },
      });
      expect((await ledger.runningJobs(10)).items).toEqual([]);

      // A pool seen Available again: only when it was seen moves on, with the end written.
      await recorded(ledger, { name: 'e3', status: 'InProgress', lastModifiedMs: T0 + 1000 });
      const e3 = snapshot({ name: 'e3', status: 'Completed', lastModifiedMs: T0 + 2000 });
      await ledger.recordEnd(e3, { kind: 'pool', pool: available(T0 + 5000) });
      const again = await ledger.recordEnd(e3, {
        kind: 'pool',
        pool: { ...available(T0 + 9000), observedAtMs: T0 + 60_000 },
      });
      expect(again).toMatchObject({
        kind: 'recorded',
        pool: { applied: false, pool: { expiresAtMs: T0 + 5000, observedAtMs: T0 + 60_000 } },
      });

      // Older than what is recorded: neither the end nor the pool.
      const newer = snapshot({ name: 'e4', status: 'Completed', lastModifiedMs: T0 + 3000 });
      await ledger.recordSnapshot(newer);
      const older = snapshot({ name: 'e4', status: 'Completed', lastModifiedMs: T0 + 2000 });
      const stale = await ledger.recordEnd(older, { kind: 'pool', pool: available(T0 + 5000) }, T0 + 4000);
      expect(stale).toMatchObject({ kind: 'stale', record: { job: { lastModifiedMs: T0 + 3000 } } });
      const e4 = await ledger.getJob('e4');
      expect(e4?.pool).toBeUndefined();
      expect(e4?.endEventAtMs).toBeUndefined();
      expect(await ledger.availableByMatchKey(older.matchKey)).toEqual(
        (await ledger.availableByMatchKey(older.matchKey)).filter((r) => r.name !== 'e4'),
      );
    });

    it("records a job's end with why it got no pool, or with nothing to say of one", async () => {
      const ledger = await makeLedger();
      await recorded(ledger, { name: 'n1', status: 'InProgress', lastModifiedMs: T0 + 1000 });
      const end = snapshot({ name: 'n1', status: 'Failed', lastModifiedMs: T0 + 2000 });
      const noPool = { reason: 'no-warm-pool-quota', detail: 'quota 0' } as const;
      const write = await ledger.recordEnd(end, { kind: 'no-pool', noPool });
      expect(write).toMatchObject({ kind: 'recorded', record: { noPool, job: { status: 'Failed' } } });
      expect(await ledger.getJob('n1')).toMatchObject({ noPool, job: { status: 'Failed' } });
      const stale = snapshot({ name: 'n1', status: 'Failed', lastModifiedMs: T0 + 1500 });
      expect((await ledger.recordEnd(stale, { kind: 'no-pool', noPool })).kind).toBe('stale');

      const none = snapshot({ name: 'n2', status: 'Completed', lastModifiedMs: T0 + 2000 });
      expect(await ledger.recordEnd(none, { kind: 'none' })).toMatchObject({ kind: 'recorded' });
      const n2 = await ledger.getJob('n2');
      expect(n2?.job?.status).toBe('Completed');
      expect(n2?.pool).toBeUndefined();
      expect(n2?.noPool).toBeUndefined();
    });

    it("brings an Available pool's predicted end earlier, never later, and leaves any other pool", async () => {
      const ledger = await makeLedger();
      const record = await recorded(ledger, { name: 'cap' });
      await ledger.observePool(record, available(T0 + 5000));
      expect(await ledger.capExpiry('cap', T0 + 9000)).toBe(false);
      expect(await ledger.capExpiry('cap', T0 + 4000)).toBe(true);
      expect(await ledger.capExpiry('cap', T0 + 4000)).toBe(false);
      expect((await ledger.getJob('cap'))?.pool?.expiresAtMs).toBe(T0 + 4000);
      expect((await ledger.availablePools(10)).items.map((r) => r.pool?.expiresAtMs)).toEqual([T0 + 4000]);
      await ledger.observePool(record, { status: 'Terminated', billableSeconds: 1, observedAtMs: T0 + 1 });
      expect(await ledger.capExpiry('cap', T0 + 3000)).toBe(false);
      expect(await ledger.capExpiry('nobody', T0)).toBe(false);
      expect(await ledger.getJob('nobody')).toBeUndefined();
    });

    it('records why a job got no pool', async () => {
      const ledger = await makeLedger();
      await recorded(ledger, { name: 'np' });
      await ledger.recordNoPool('np', { reason: 'no-warm-pool-quota', detail: 'quota 0' });
      expect((await ledger.getJob('np'))?.noPool).toEqual({
        reason: 'no-warm-pool-quota',
        detail: 'quota 0',
      });
    });

    it('holds a job in the running index while its newest snapshot is not terminal', async () => {
      const ledger = await makeLedger();
      await recorded(ledger, { name: 'r1', status: 'InProgress', lastModifiedMs: T0 + 1000 });
      await recorded(ledger, { name: 'r2', status: 'InProgress', lastModifiedMs: T0 + 1000 });
      expect((await ledger.runningJobs(10)).items.map((r) => r.name).sort()).toEqual(['r1', 'r2']);
      await recorded(ledger, { name: 'r1', status: 'Completed', lastModifiedMs: T0 + 2000 });
      // A late start of an ended job changes nothing.
      await recorded(ledger, { name: 'r1', status: 'InProgress', lastModifiedMs: T0 + 1000 });
      expect((await ledger.runningJobs(10)).items.map((r) => r.name)).toEqual(['r2']);
      expect((await ledger.getJobs(['r1', 'r2', 'nobody'])).map((r) => r.name).sort()).toEqual(['r1', 'r2']);
    });

    it('refreshes only the observation time of a pool seen Available again', async () => {
      const ledger = await makeLedger();
      const record = await recorded(ledger, { name: 'seen' });
      await ledger.observePool(record, available(T0 + 5000));
      const again = await ledger.observePool(record, { ...available(T0 + 9000), observedAtMs: T0 + 60_000 });
      expect(again.applied).toBe(false);
      expect(again.pool).toMatchObject({ expiresAtMs: T0 + 5000, observedAtMs: T0 + 60_000 });
      expect((await ledger.getJob('seen'))?.pool?.observedAtMs).toBe(T0 + 60_000);
    });

    it('lets one action at a time claim an Available pool, and a stale claim be taken over', async () => {
      const ledger = await makeLedger();
      const record = await recorded(ledger, { name: 'claimed' });
      const intent = (dedupeKey: string, atMs: number) => ({
        dedupeKey,
        action: 'stop' as const,
        keepAliveSeconds: 0,
        actor: 'slack:U1',
        reason: 'test',
        atMs,
      });
      const asRead = { expiresAtMs: T0 + 5000 };
      expect(await ledger.beginAction('claimed', intent('a', T0), T0 - 1, asRead)).toBe(false);
      await ledger.observePool(record, available(T0 + 5000));
      expect(await ledger.beginAction('claimed', intent('a', T0), T0 - 1, asRead)).toBe(true);
      expect(await ledger.beginAction('claimed', intent('b', T0 + 1), T0 - 1, asRead)).toBe(false);
      expect((await ledger.getJob('claimed'))?.pendingAction?.dedupeKey).toBe('a');
      // Its caller is gone: once its lease has run out, another action may claim the pool.
      expect(await ledger.beginAction('claimed', intent('c', T0 + 10), T0 + 5, asRead)).toBe(true);
      await ledger.endAction('claimed', 'a');
      expect((await ledger.getJob('claimed'))?.pendingAction?.dedupeKey).toBe('c');
      // Given up by its invocation: it stays, marked, until someone finishes it; another key changes nothing.
      await ledger.markActionUnknown('claimed', 'a', T0 + 20);
      expect((await ledger.getJob('claimed'))?.pendingAction?.unknownSinceMs).toBeUndefined();
      await ledger.markActionUnknown('claimed', 'c', T0 + 20);
      expect((await ledger.getJob('claimed'))?.pendingAction).toMatchObject({
        dedupeKey: 'c',
        unknownSinceMs: T0 + 20,
      });
      await ledger.recordKeepAlive('claimed', {
        keepAliveSeconds: 0,
        expiresAtMs: T0 + 10,
        stoppedBy: 'slack:U1',
      });
      expect((await ledger.getJob('claimed'))?.pendingAction).toBeUndefined();
    });

    it("records an intent's keep-alive once, and never clears a newer intent with an older one's", async () => {
      const ledger = await makeLedger();
      const record = await recorded(ledger, { name: 'twice' });
      await ledger.observePool(record, available(T0 + 5000));
      const intent = (dedupeKey: string, atMs: number) => ({
        dedupeKey,
        action: 'stop' as const,
        keepAliveSeconds: 0,
        actor: 'slack:U1',
        reason: 'Stop clicked in Slack',
        atMs,
      });
      expect(await ledger.beginAction('twice', intent('old', T0), T0 - 1, { expiresAtMs: T0 + 5000 })).toBe(
        true,
      );
      // Its lease ran out: a newer intent claims the pool; the old one's late finisher clears nothing.
      expect(
        await ledger.beginAction('twice', intent('new', T0 + 10), T0 + 5, { expiresAtMs: T0 + 5000 }),
      ).toBe(true);
      const stop = { keepAliveSeconds: 0, expiresAtMs: T0 + 20, stoppedBy: 'slack:U1' };
      expect(await ledger.recordKeepAlive('twice', stop, 'old')).toBe(false);
      expect((await ledger.getJob('twice'))?.pendingAction?.dedupeKey).toBe('new');
      // The newer intent's finisher records it; a second finisher of it is refused.
      expect(await ledger.recordKeepAlive('twice', stop, 'new')).toBe(true);
      expect(await ledger.recordKeepAlive('twice', stop, 'new')).toBe(false);
      expect((await ledger.getJob('twice'))?.pool).toMatchObject({
        keepAliveSeconds: 0,
        stoppedBy: 'slack:U1',
      });
    });

    it('holds a pool only while no action claimed within the lease is in flight', async () => {
      const ledger = await makeLedger();
      const record = await recorded(ledger, { name: 'busy' });
      await ledger.observePool(record, available(T0 + 5000));
      const stop = {
        dedupeKey: 'stop',
        action: 'stop' as const,
        keepAliveSeconds: 0,
        actor: 'policy:defaults',
        reason: 'idle',
        atMs: T0,
      };
      expect(await ledger.beginAction('busy', stop, T0 - 1, { expiresAtMs: T0 + 5000 })).toBe(true);
      // A stop between its claim and SageMaker: a person is not told the pool is kept.
      expect(await ledger.holdPool('busy', T0 + 9000, T0 - 1)).toBe(false);
      expect((await ledger.getJob('busy'))?.pool?.heldUntilMs).toBeUndefined();
      // Given up (unknown), it is in flight no more; nor once its lease has run out.
      await ledger.markActionUnknown('busy', 'stop', T0 + 20);
      expect(await ledger.holdPool('busy', T0 + 9000, T0 - 1)).toBe(true);
      const other = await recorded(ledger, { name: 'stale-claim' });
      await ledger.observePool(other, available(T0 + 5000));
      expect(await ledger.beginAction('stale-claim', stop, T0 - 1, { expiresAtMs: T0 + 5000 })).toBe(true);
      expect(await ledger.holdPool('stale-claim', T0 + 9000, T0 + 1)).toBe(true);
      expect((await ledger.getJob('stale-claim'))?.pool?.heldUntilMs).toBe(T0 + 9000);
    });

    it('refuses a claim made from a pool whose end or hold changed since it was read', async () => {
      const ledger = await makeLedger();
      const record = await recorded(ledger, { name: 'moved' });
      await ledger.observePool(record, available(T0 + 5000));
      const intent = (dedupeKey: string) => ({
        dedupeKey,
        action: 'stop' as const,
        keepAliveSeconds: 0,
        actor: 'policy:defaults',
        reason: 'idle',
        atMs: T0,
      });
      // Extended since the read: the end moved.
      await ledger.recordKeepAlive('moved', { keepAliveSeconds: 3600, expiresAtMs: T0 + 9000 });
      expect(await ledger.beginAction('moved', intent('a'), T0 - 1, { expiresAtMs: T0 + 5000 })).toBe(false);
      // Held since the read.
      await ledger.holdPool('moved', T0 + 9000, T0);
      expect(await ledger.beginAction('moved', intent('b'), T0 - 1, { expiresAtMs: T0 + 9000 })).toBe(false);
      expect((await ledger.getJob('moved'))?.pendingAction).toBeUndefined();
      expect(
        await ledger.beginAction('moved', intent('c'), T0 - 1, {
          expiresAtMs: T0 + 9000,
          heldUntilMs: T0 + 9000,
        }),
      ).toBe(true);
      expect((await ledger.getJob('moved'))?.pendingAction?.dedupeKey).toBe('c');
    });

    it('writes a hold with the keep-alive when an extend carries one', async () => {
      const ledger = await makeLedger();
      const record = await recorded(ledger, { name: 'held' });
      await ledger.observePool(record, available(T0 + 5000));
      await ledger.recordKeepAlive('held', {
        keepAliveSeconds: 3600,
        expiresAtMs: T0 + 9000,
        heldUntilMs: T0 + 8000,
      });
      expect((await ledger.getJob('held'))?.pool).toMatchObject({
        expiresAtMs: T0 + 9000,
        heldUntilMs: T0 + 8000,
      });
    });

    it('marks a pool presumed taken once, keeps it Available until the mark is settled, and takes a presumed link back', async () => {
      const ledger = await makeLedger();
      const giver = await recorded(ledger, { name: 'giver' });
      await ledger.observePool(giver, available(T0 + 5000));
      await recorded(ledger, { name: 'taker', status: 'InProgress' });
      await ledger.linkReuse(
        'giver',
        'taker',
        { poolId: 'giver', bornAtMs: T0 },
        lifetimeEndMs(T0, DEFAULT_KEEP_ALIVE_LIMITS),
      );
      expect(await ledger.presumeReuse('giver', 'taker', T0 + 100)).toBe(true);
      // The same job again applies; another job, or an action claim, is refused while it stands.
      expect(await ledger.presumeReuse('giver', 'taker', T0 + 200)).toBe(true);
      expect(await ledger.presumeReuse('giver', 'other', T0 + 200)).toBe(false);
      expect(await ledger.beginAction('giver', pendingStop, 0, { expiresAtMs: T0 + 5000 })).toBe(false);
      const marked = await ledger.getJob('giver');
      expect(marked?.pool).toMatchObject({
        status: 'Available',
        presumedTakenBy: 'taker',
        presumedAtMs: T0 + 100,
      });
      expect((await ledger.availablePools(10)).items.map((r) => r.name)).toEqual(['giver']);
      // A write that did not see the mark does not take the pool out of Available behind it.
      const stale = { ...giver, pool: available(T0 + 5000) };
      const refused = await ledger.observePool(stale, {
        status: 'Terminated',
        billableSeconds: 1,
        observedAtMs: T0 + 1,
      });
      expect(refused.applied).toBe(false);
      expect(refused.pool).toMatchObject({ status: 'Available', presumedTakenBy: 'taker' });
      // SageMaker names another pool for the job: its word replaces the presumed link.
      const real = await recorded(ledger, { name: 'real' });
      await ledger.observePool(real, available(T0 + 6000));
      await ledger.linkReuse(
        'real',
        'taker',
        { poolId: 'real', bornAtMs: T0 + 50 },
        lifetimeEndMs(T0 + 50, DEFAULT_KEEP_ALIVE_LIMITS),
      );
      expect(await ledger.getJob('taker')).toMatchObject({
        reusedPoolOf: 'real',
        pool: { bornAtMs: T0 + 50, poolId: 'real' },
      });
      // Taking back a link that is no longer the presumed one changes nothing.
      expect(await ledger.unlinkPresumedReuse('taker', 'giver')).toBe(false);
      expect(await ledger.withdrawPresumption('giver', 'other')).toBe(false);
      expect(await ledger.withdrawPresumption('giver', 'taker')).toBe(true);
      expect((await ledger.getJob('giver'))?.pool?.presumedTakenBy).toBeUndefined();
      expect(await ledger.beginAction('giver', pendingStop, 0, { expiresAtMs: T0 + 5000 })).toBe(true);
    });

    it("records a job's end without taking its pool out of Available behind a presumption mark it did not see", async () => {
      const ledger = await makeLedger();
      // The pool was recorded Available by a listing before the job's end event came; a warm start
      // then presumed it taken.
      const giver = await recorded(ledger, { name: 'late', status: 'InProgress', lastModifiedMs: T0 + 1000 });
      await ledger.observePool(giver, available(T0 + 5000));
      await recorded(ledger, { name: 'taker', status: 'InProgress' });
      await ledger.linkReuse(
        'late',
        'taker',
        { poolId: 'late', bornAtMs: T0 },
        lifetimeEndMs(T0, DEFAULT_KEEP_ALIVE_LIMITS),
      );
      expect(await ledger.presumeReuse('late', 'taker', T0 + 100)).toBe(true);

      // The late end event, which read nothing: the end is written, the pool stays marked.
      const end = snapshot({ name: 'late', status: 'Completed', lastModifiedMs: T0 + 2000 });
      const terminated: PoolState = { status: 'Terminated', billableSeconds: 1, observedAtMs: T0 + 1 };
      const write = await ledger.recordEnd(end, { kind: 'pool', pool: terminated }, T0 + 3000);
      expect(write).toMatchObject({
        kind: 'recorded',
        record: { job: { status: 'Completed' }, pool: { status: 'Available', presumedTakenBy: 'taker' } },
        pool: { applied: false, pool: { status: 'Available', presumedTakenBy: 'taker' } },
      });
      expect(await ledger.getJob('late')).toMatchObject({
        job: { status: 'Completed' },
        endEventAtMs: T0 + 3000,
        pool: { status: 'Available', presumedTakenBy: 'taker' },
      });
      expect((await ledger.runningJobs(10)).items.map((r) => r.name)).toEqual(['taker']);
      expect((await ledger.availablePools(10)).items.map((r) => r.name)).toEqual(['late']);
      // Stale, the end writes nothing, the pool neither.
      const older = snapshot({ name: 'late', status: 'Completed', lastModifiedMs: T0 + 1500 });
      expect((await ledger.recordEnd(older, { kind: 'pool', pool: terminated })).kind).toBe('stale');

      // Its caller saw the mark (an adoption's read): the end and the pool in one write, the mark gone.
      const again = snapshot({ name: 'late', status: 'Completed', lastModifiedMs: T0 + 2500 });
      const settled = await ledger.recordEnd(again, {
        kind: 'pool',
        pool: { status: 'Reused', reusedByJob: 'taker', billableSeconds: 1, observedAtMs: T0 + 2 },
        seenMark: 'taker',
      });
      expect(settled).toMatchObject({
        kind: 'recorded',
        pool: { applied: true, pool: { status: 'Reused' } },
      });
      const after = await ledger.getJob('late');
      expect(after?.pool).toMatchObject({ status: 'Reused', reusedByJob: 'taker' });
      expect(after?.pool?.presumedTakenBy).toBeUndefined();
      expect(after?.pool?.presumedAtMs).toBeUndefined();
      expect((await ledger.availablePools(10)).items).toEqual([]);
    });

    it('takes back a presumed link: a running job loses the pool it was linked to, an ended one is born again at its end', async () => {
      const ledger = await makeLedger();
      const giver = await recorded(ledger, { name: 'giver' });
      await ledger.observePool(giver, available(T0 + 5000));
      await recorded(ledger, { name: 'running', status: 'InProgress' });
      await ledger.linkReuse(
        'giver',
        'running',
        { poolId: 'giver', bornAtMs: T0 },
        lifetimeEndMs(T0, DEFAULT_KEEP_ALIVE_LIMITS),
      );
      expect(await ledger.unlinkPresumedReuse('running', 'giver')).toBe(true);
      const running = await ledger.getJob('running');
      expect(running?.reusedPoolOf).toBeUndefined();
      expect(running?.pool).toBeUndefined();

      const ended = await recorded(ledger, { name: 'ended', status: 'InProgress' });
      await ledger.linkReuse(
        'giver',
        'ended',
        { poolId: 'giver', bornAtMs: T0 },
        lifetimeEndMs(T0, DEFAULT_KEEP_ALIVE_LIMITS),
      );
      await ledger.observePool(ended, { ...available(T0 + 9000), availableSinceMs: T0 + 4000 });
      expect(await ledger.unlinkPresumedReuse('ended', 'giver')).toBe(true);
      expect(await ledger.getJob('ended')).toMatchObject({
        pool: { status: 'Available', bornAtMs: T0 + 4000, poolId: 'ended' },
      });
      expect((await ledger.getJob('ended'))?.reusedPoolOf).toBeUndefined();
    });
  });

const pendingStop = {
  dedupeKey: 'stop#1',
  action: 'stop' as const,
  keepAliveSeconds: 0,
  actor: 'policy:test',
  reason: 'test',
  atMs: T0,
};

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => dynamo.stop());

ledgerContract(
  'DynamoDB (dynalite)',
  async () => new DynamoLedger(dynamo.client, await dynamo.createLedgerTable()),
);
ledgerContract(
  'DynamoDB (dynalite in process, whose refusals carry the item)',
  async () => new DynamoLedger(dynamo.inProcessClient, await dynamo.createLedgerTable()),
);
ledgerContract('in-memory', async () => new MemoryLedger());

describe('a refused conditional write that carries the item it was checked against', () => {
  const requests = () => Object.values(dynamo.calls()).reduce((n, c) => n + c, 0);
  const sent = async (write: () => Promise<unknown>): Promise<number> => {
    const before = requests();
    await write();
    return requests() - before;
  };

  it('answers without reading the item again; over HTTP, without the item, it is read', async () => {
    const table = await dynamo.createLedgerTable();
    const inProcess = new DynamoLedger(dynamo.inProcessClient, table);
    const overHttp = new DynamoLedger(dynamo.client, table);
    const end = snapshot({ name: 'r1', status: 'Completed', lastModifiedMs: T0 + 2000 });
    const start = snapshot({ name: 'r1', status: 'InProgress', lastModifiedMs: T0 + 1000 });
    const record = (await inProcess.recordSnapshot(end)).record;
    await inProcess.observePool(record, available(T0 + 5000));
    await inProcess.observePool(record, { status: 'Terminated', billableSeconds: 60, observedAtMs: T0 + 1 });
    await inProcess.linkReuse(
      'p0',
      'r1',
      { poolId: 'p0', bornAtMs: T0 },
      lifetimeEndMs(T0, DEFAULT_KEEP_ALIVE_LIMITS),
    );

    for (const ledger of [inProcess, overHttp]) {
      const http = ledger === overHttp;
      let stale: Awaited<ReturnType<Ledger['recordSnapshot']>> | undefined;
      expect(await sent(async () => (stale = await ledger.recordSnapshot(start)))).toBe(http ? 2 : 1);
      expect(stale).toMatchObject({ kind: 'stale', record: { name: 'r1', job: { status: 'Completed' } } });
      let late: Awaited<ReturnType<Ledger['observePool']>> | undefined;
      // Over HTTP the refresh of a pool seen Available again is tried, refused, then the item read.
      expect(await sent(async () => (late = await ledger.observePool(record, available(T0 + 9000))))).toBe(
        http ? 3 : 1,
      );
      expect(late).toMatchObject({ applied: false, pool: { status: 'Terminated', billableSeconds: 60 } });
      await expect(
        ledger.linkReuse(
          'other',
          'r1',
          { poolId: 'other', bornAtMs: T0 },
          lifetimeEndMs(T0, DEFAULT_KEEP_ALIVE_LIMITS),
        ),
      ).rejects.toThrow('recorded as reusing the pool of p0');
    }
  });
});

describe.each([
  ['in process, whose refusals carry the item', () => dynamo.inProcessClient],
  ['over HTTP, whose refusals do not', () => dynamo.client],
])("DynamoDB (%s): carrying a chain's birth down", (_how, clientOf) => {
  /** The ledger's client, failing every UpdateItem from the `failFrom`-th on, as a crash mid-walk would end the walk. */
  const failingFrom = (failFrom: number) => {
    let updates = 0;
    return new Proxy(clientOf(), {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return (command: object) => {
          if (command instanceof UpdateCommand && ++updates >= failFrom)
            return Promise.reject(new Error('crashed mid-walk'));
          return target.send(command as UpdateCommand);
        };
      },
    });
  };
  const laterBirth = { poolId: 'b', bornAtMs: T0 + 7_200_000 };
  const birth = { poolId: 'a', bornAtMs: T0 };
  const capMs = lifetimeEndMs(T0, DEFAULT_KEEP_ALIVE_LIMITS);

  /**
   * b's pool went to c, then to d, Available and predicted to end within the lifetime of the
   * birth the ledger knows (b's end) but past that of a's: the chain b → c → d.
   */
  const chainBCD = async (ledger: DynamoLedger) => {
    await bTakenByC(ledger, laterBirth);
    const c = await ledger.getJob('c');
    if (!c) throw new Error('c is not recorded');
    await ledger.observePool(c, {
      status: 'Reused',
      reusedByJob: 'd',
      billableSeconds: 60,
      observedAtMs: T0,
    });
    await ledger.linkReuse(
      'c',
      'd',
      laterBirth,
      lifetimeEndMs(laterBirth.bornAtMs, DEFAULT_KEEP_ALIVE_LIMITS),
    );
    const d = await recorded(ledger, { name: 'd' });
    await ledger.observePool(d, available(capMs + 3_600_000));
  };

  // Learnt late: b had taken a's pool, born at T0. Its writes: the link, c, d, d's cap, then b.
  const link = (through: DynamoLedger) => through.linkReuse('a', 'b', birth, capMs);

  it('is finished by the link written again after a walk cut short', async () => {
    const table = await dynamo.createLedgerTable();
    const ledger = new DynamoLedger(clientOf(), table);
    await chainBCD(ledger);
    await expect(link(new DynamoLedger(failingFrom(3), table))).rejects.toThrow('crashed mid-walk');
    await link(ledger);
    for (const job of ['b', 'c', 'd']) expect((await ledger.getJob(job))?.pool).toMatchObject(birth);
    expect((await ledger.getJob('d'))?.pool?.expiresAtMs).toBe(capMs);
  });

  it('caps the pool whose birth a walk cut short wrote, but not its cap', async () => {
    const table = await dynamo.createLedgerTable();
    const ledger = new DynamoLedger(clientOf(), table);
    await chainBCD(ledger);
    await expect(link(new DynamoLedger(failingFrom(4), table))).rejects.toThrow('crashed mid-walk');
    expect((await ledger.getJob('d'))?.pool).toMatchObject({ ...birth, expiresAtMs: capMs + 3_600_000 });
    await link(ledger);
    expect((await ledger.getJob('d'))?.pool).toMatchObject({ ...birth, expiresAtMs: capMs });
  });

  it('still gives the linked job the birth when a job down the chain holds an earlier one', async () => {
    const table = await dynamo.createLedgerTable();
    const ledger = new DynamoLedger(clientOf(), table);
    // c already holds a's chain born earlier still (a race of links): the walk stops there.
    await bTakenByC(ledger, { poolId: 'a', bornAtMs: T0 - 60_000 });
    await link(ledger);
    expect((await ledger.getJob('b'))?.pool).toMatchObject(birth);
    expect((await ledger.getJob('c'))?.pool).toMatchObject({ poolId: 'a', bornAtMs: T0 - 60_000 });
  });
});

describe("DynamoDB: a job's end and its pool", () => {
  it('cost one request; a pool recorded that far already, or a refusal without the item, costs more', async () => {
    const requests = () => Object.values(dynamo.calls()).reduce((n, c) => n + c, 0);
    const sent = async (write: () => Promise<unknown>): Promise<number> => {
      const before = requests();
      await write();
      return requests() - before;
    };
    const table = await dynamo.createLedgerTable();
    const inProcess = new DynamoLedger(dynamo.inProcessClient, table);
    const overHttp = new DynamoLedger(dynamo.client, table);
    const end = (name: string) => snapshot({ name, status: 'Completed', lastModifiedMs: T0 + 2000 });
    const pool = { kind: 'pool', pool: available(T0 + 5000) } as const;
    expect(await sent(() => inProcess.recordEnd(end('c1'), pool))).toBe(1);
    // Again: the pool is Available already; the end is written alone, then only when it was seen moves on.
    const seenLater = { kind: 'pool', pool: { ...available(T0 + 5000), observedAtMs: T0 + 1 } } as const;
    expect(await sent(() => inProcess.recordEnd(end('c1'), seenLater))).toBe(3);
    // Stale: the refusal carries the item, and nothing else is sent.
    const older = snapshot({ name: 'c1', status: 'Completed', lastModifiedMs: T0 + 1000 });
    expect(await sent(() => inProcess.recordEnd(older, pool))).toBe(1);
    // Over HTTP a refusal carries no item: the end is tried alone, refused, and the item read.
    let stale: Awaited<ReturnType<Ledger['recordEnd']>> | undefined;
    expect(await sent(async () => (stale = await overHttp.recordEnd(older, pool)))).toBe(3);
    expect(stale).toMatchObject({ kind: 'stale', record: { job: { lastModifiedMs: T0 + 2000 } } });
  });
});

describe('DynamoDB history index', () => {
  it('gives jobs by day without the decisions that share the index', async () => {
    const table = await dynamo.createLedgerTable();
    const ledger = new DynamoLedger(dynamo.client, table);
    const decisions = new DynamoDecisionLog(dynamo.client, table);
    await recorded(ledger, { name: 'with-decision', createdAtMs: T0 });
    await decisions.record({
      job: 'with-decision',
      poolId: 'with-decision',
      atMs: T0 + 5000,
      action: 'stop',
      actor: 'operator:test',
      reason: 'test',
      dryRun: true,
      outcome: 'dry-run',
      dedupeKey: 'stop#1',
    });
    const day = new Date(T0).toISOString().slice(0, 10);
    expect((await ledger.jobsSubmittedOn(day, 10)).items.map((r) => r.name)).toEqual(['with-decision']);
    expect((await decisions.decisionsOn(day, 10)).items.map((d) => d.job)).toEqual(['with-decision']);
  });
});
