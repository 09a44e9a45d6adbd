import { describe, expect, it } from 'vitest';
import type { ActionResult } from '../../lib/app/applyPoolAction';
import type { LedgerFact } from '../../lib/app/ledgerFacts';
import type { JobRecord } from '../../lib/domain/jobRecord';
import type { JobSnapshot } from '../../lib/domain/trainingJob';
import { noticeForAction, poolExtendedNotice, poolStoppedNotice } from '../../lib/notify/decisionNotices';
import { expiryWarningDue, noticesForFacts } from '../../lib/notify/factNotices';
import { coveredKeys, noticeKey } from '../../lib/notify/notice';
import type { DecisionRecord } from '../../lib/ports/decisionLog';
import { sampleSnapshot } from '../support/sampleCriteria';

const NOW = 1_717_500_000_000;
const MIN = 60_000;
const snapshot = (name: string): JobSnapshot =>
  sampleSnapshot(name, NOW, { keepAliveSeconds: 3600, tags: { owner: 'alice' }, owner: 'alice' });
const available = (name: string, sinceMs: number, expiresAtMs: number): JobRecord => ({
  name,
  job: snapshot(name),
  pool: {
    status: 'Available',
    availableSinceMs: sinceMs,
    expiresAtMs,
    keepAliveSeconds: 3600,
    observedAtMs: NOW,
  },
});
const lead = () => 15 * 60;
const kinds = (facts: LedgerFact[], nowMs = NOW) => noticesForFacts(facts, nowMs, lead).map((n) => n.kind);

describe('which facts call for which messages', () => {
  it('a job that ended without a pool gets a job-ended message', () => {
    expect(kinds([{ kind: 'job-ended', job: { name: 'a', job: snapshot('a') } }])).toEqual(['job-ended']);
  });

  it('a job that ended and left a pool gets one message, the pool one, which tells the end too', () => {
    const record = available('a', NOW - MIN, NOW + 59 * MIN);
    const notices = noticesForFacts(
      [
        { kind: 'job-ended', job: { name: 'a', job: snapshot('a') } },
        { kind: 'pool-available', job: record },
      ],
      NOW,
      lead,
    );
    expect(notices.map((n) => n.kind)).toEqual(['pool-available']);
    expect(notices[0] && coveredKeys(notices[0])).toEqual([{ job: 'a', kind: 'job-ended', hop: 'a' }]);
  });

  it('a job that asked for keep-alive and got no pool gets the no-pool message instead of job-ended', () => {
    const noPool = { reason: 'no-warm-pool-quota', detail: 'quota' } as const;
    expect(
      kinds([
        { kind: 'job-ended', job: { name: 'a', job: snapshot('a') } },
        { kind: 'no-pool', job: { name: 'a', job: snapshot('a'), noPool }, noPool },
      ]),
    ).toEqual(['no-pool']);
  });

  it('reuses and pool ends send nothing; near misses do', () => {
    const record = available('a', NOW - MIN, NOW + MIN);
    const nearMiss = {
      poolOf: 'a',
      differences: [{ field: 'volumeSizeInGB' as const, pool: '30', job: '50' }],
    };
    expect(
      kinds([
        { kind: 'pool-reused', fromJob: record, toJob: 'b' },
        { kind: 'pool-ended', job: record },
        { kind: 'near-miss', job: { name: 'b', job: snapshot('b'), nearMiss }, nearMiss },
      ]),
    ).toEqual(['near-miss']);
  });

  it('a record the ledger has no snapshot for (a reuser seen only through its predecessor) is skipped', () => {
    expect(kinds([{ kind: 'job-ended', job: { name: 'ghost' } }])).toEqual([]);
  });

  it('a pool whose predicted end has passed is not announced as available', () => {
    expect(kinds([{ kind: 'pool-available', job: available('a', NOW - 90 * MIN, NOW - MIN) }])).toEqual([]);
  });

  it('the job end is still told when the pool cannot be (its expiry is unknown or past)', () => {
    const unknownExpiry: JobRecord = {
      name: 'a',
      job: snapshot('a'),
      pool: { status: 'Available', observedAtMs: NOW },
    };
    expect(
      kinds([
        { kind: 'job-ended', job: { name: 'a', job: snapshot('a') } },
        { kind: 'pool-available', job: unknownExpiry },
      ]),
    ).toEqual(['job-ended']);
  });

  it('the sweep re-reporting an Available pool within the lead time adds the expiry warning', () => {
    expect(kinds([{ kind: 'pool-available', job: available('a', NOW - 50 * MIN, NOW + 10 * MIN) }])).toEqual([
      'pool-available',
      'expiry-warning',
    ]);
  });
});

describe('when to warn of the end', () => {
  const since = NOW - 60 * MIN;
  const end = NOW + 60 * MIN;
  it('within the lead time before the end, not earlier and not after', () => {
    expect(expiryWarningDue(end, since, 15 * 60, end - 16 * MIN)).toBe(false);
    expect(expiryWarningDue(end, since, 15 * 60, end - 15 * MIN)).toBe(true);
    expect(expiryWarningDue(end, since, 15 * 60, end - MIN)).toBe(true);
    expect(expiryWarningDue(end, since, 15 * 60, end)).toBe(false);
  });

  it('not when the whole keep-alive was shorter than the lead (the first message said the end)', () => {
    expect(expiryWarningDue(NOW + 5 * MIN, NOW - 5 * MIN, 15 * 60, NOW)).toBe(false);
  });

  it('never with a lead of 0', () => {
    expect(expiryWarningDue(NOW + MIN, since, 0, NOW)).toBe(false);
  });
});

describe('one message per kind per pool hop', () => {
  const job = snapshot('a');
  const decision = { policy: 'p', reason: 'r', decidedBy: 'policy', dryRun: false };

  it('keys most kinds by job and kind, the hop being the job holding the pool', () => {
    expect(noticeKey({ kind: 'job-ended', job })).toEqual({ job: 'a', kind: 'job-ended', hop: 'a' });
    expect(noticeKey({ kind: 'pool-available', job, expiresAtMs: NOW })).toEqual({
      job: 'a',
      kind: 'pool-available',
      hop: 'a',
    });
  });

  it('keys extensions and warnings by the expiry, so each extension and the warning before each end is told once', () => {
    expect(noticeKey({ kind: 'pool-extended', job, expiresAtMs: NOW, decision }).occurrence).toBe(
      String(NOW),
    );
    expect(noticeKey({ kind: 'expiry-warning', job, expiresAtMs: NOW }).occurrence).toBe(String(NOW));
  });

  it('keys dry runs apart, once per hop, so a dry run does not repeat every sweep nor hide the real decision', () => {
    const dry = { ...decision, dryRun: true };
    expect(noticeKey({ kind: 'pool-extended', job, expiresAtMs: NOW, decision: dry }).occurrence).toBe(
      'dry-run',
    );
    expect(noticeKey({ kind: 'pool-extended', job, expiresAtMs: NOW + MIN, decision: dry }).occurrence).toBe(
      'dry-run',
    );
    expect(noticeKey({ kind: 'pool-stopped', job, decision: dry }).occurrence).toBe('dry-run');
    expect(noticeKey({ kind: 'pool-stopped', job, decision }).occurrence).toBeUndefined();
  });

  it('keys a near miss by the missed pool', () => {
    const nearMiss = { poolOf: 'p', differences: [] };
    expect(noticeKey({ kind: 'near-miss', job, nearMiss })).toEqual({
      job: 'a',
      kind: 'near-miss',
      hop: 'p',
    });
  });
});

describe('decision notices for the policy and the Slack actions', () => {
  const decision = { policy: 'p', reason: 'r', decidedBy: 'slack:U1', dryRun: false };
  it('take the previous expiry and idle start from the record', () => {
    const record = available('a', NOW - 10 * MIN, NOW + 5 * MIN);
    expect(poolExtendedNotice(record, decision, NOW + 65 * MIN)).toMatchObject({
      kind: 'pool-extended',
      expiresAtMs: NOW + 65 * MIN,
      previousExpiresAtMs: NOW + 5 * MIN,
    });
    expect(poolStoppedNotice(record, decision)).toMatchObject({
      kind: 'pool-stopped',
      availableSinceMs: NOW - 10 * MIN,
    });
  });

  it('are undefined without the job snapshot', () => {
    expect(poolStoppedNotice({ name: 'ghost' }, decision)).toBeUndefined();
  });
});

describe('notices for what a policy did (noticeForAction)', () => {
  const record = available('a', NOW - 10 * MIN, NOW + 5 * MIN);
  const taken = (decision: Partial<DecisionRecord> & Pick<DecisionRecord, 'action'>): ActionResult => ({
    decision: {
      job: 'a',
      poolId: 'a',
      atMs: NOW,
      actor: 'policy:team-vision',
      rule: 'team-vision',
      cause: 'idle-limit',
      reason: 'idle 45 min, limit 30 min',
      dryRun: false,
      outcome: 'applied',
      dedupeKey: 'k',
      ...decision,
    },
    firstTime: true,
    record,
    facts: [],
  });

  it('tell an extension, a stop and a warning, with the rule as the policy', () => {
    expect(
      noticeForAction({
        ...taken({ action: 'extend', endsAtMs: NOW + 65 * MIN }),
        previousExpiresAtMs: NOW + 5 * MIN,
      }),
    ).toMatchObject({
      kind: 'pool-extended',
      expiresAtMs: NOW + 65 * MIN,
      previousExpiresAtMs: NOW + 5 * MIN,
      decision: {
        policy: 'team-vision',
        reason: 'idle 45 min, limit 30 min',
        decidedBy: 'policy:team-vision',
        dryRun: false,
      },
    });
    expect(noticeForAction(taken({ action: 'stop' }))).toMatchObject({
      kind: 'pool-stopped',
      stoppedAtMs: NOW,
    });
    expect(
      noticeForAction(taken({ action: 'warn', cause: 'ending-soon', endsAtMs: NOW + 4 * MIN })),
    ).toMatchObject({
      kind: 'expiry-warning',
      expiresAtMs: NOW + 4 * MIN,
      decision: { policy: 'team-vision' },
    });
  });

  it('tell nothing of an action that failed, was skipped or has no known outcome', () => {
    for (const outcome of ['failed', 'skipped', 'unknown'] as const)
      expect(noticeForAction(taken({ action: 'stop', outcome }))).toBeUndefined();
  });
});
