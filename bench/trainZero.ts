/**
 * Development tool: where the money goes at a waiting value of $0/h on the TRAIN weeks
 * (bench/workloadSplit.ts), and which signals the deployed system has could tell the short gaps
 * that pay at $0/h. At $0/h a cold start costs 122 s of the cluster, so a keep pays only when a
 * same-key job is nearly sure within about two minutes.
 * - the built-in default's keeps: the first decision's branch and P, idle $, reused or not, and
 *   how much of the idle came after the horizon the decision priced (the sweep minute that ends it);
 * - the oracle's reuses: their gaps, and what the policy predicted at the same pool's first decision;
 * - for every pool a job leaves, P(a same-key submission within 1 / 2 minutes of its end) by signal
 *   known at its end, against what the policy predicted and against what keeping every pool of
 *   the group to the first or second sweep minute would have gained (no competition counted: an
 *   upper bound). Signals the decision reads: its own P, whether the job started on a warm pool,
 *   the Available pools of its key; signals it does not read: same-key jobs running, same-key
 *   submissions in the last 10 minutes, the key's last five gaps. Times are the policy run's.
 * The trace generator times a person's or a sweep slot's next submission from a fixed start-up
 * allowance, not from the job's real end (an open loop, like a schedule or a sweep driver), so
 * after a warm start the next gap is 122 s longer than after a cold one: the "started warm" rows
 * and the quartiles by head start show it, and the learner's gap clock (gapClock.ts) follows it.
 * WAITS=0 [ONLY=s16,m11] [KEEPS=20] npx tsx bench/trainZero.ts ['{"keepAlive":{...}}'] ['{...}' learning]
 */

import { generateTrace } from '../devtools/local/trace/generateTrace';
import { NO_WARM_POOL_QUOTA_TYPES } from '../devtools/local/trace/teams';
import { type SimOptions, simulate } from '../devtools/sim/keepAliveSim';
import type { SimJob } from '../devtools/sim/simJobs';
import { whatifJobs } from '../devtools/sim/whatif';
import { DEFAULT_GAP_LEARNING } from '../lib/domain/policy/gapLearner';
import { DEFAULT_PRICES } from '../lib/domain/prices';
import { formatPolicyErrors, parsePolicy } from '../lib/policyFile/parsePolicy';
import { TRAIN_WEEKS } from './workloadSplit';

const defaults = JSON.parse(process.argv[2] || '{}') as Record<string, unknown>;
const learning = { ...DEFAULT_GAP_LEARNING, ...(JSON.parse(process.argv[3] || '{}') as object) };
const wait = Number(process.env.WAITS ?? '0');
const only = process.env.ONLY?.split(',');
const limits = { perCallCapSeconds: 3600, lifetimeCapSeconds: 28 * 86400 };
const STARTUP = { cold: 143, warm: 21 };

/** P(...) the first decision on a hop named, and the window it was for. */
const predicted = (reason: string): { p: number; withinSeconds: number } | undefined => {
  const m = /P\(reuse within (?:(\d+)m )?(?:(\d+)s)? \| idle [^)]*\) = ([0-9.]+)/.exec(reason);
  if (!m) return undefined;
  return { withinSeconds: Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0), p: Number(m[3]) };
};

interface Row {
  readonly week: string;
  readonly job: SimJob;
  readonly endMs: number;
  /** Same-key submission within 60 / 122 s of the end (competition ignored). */
  readonly next60: boolean;
  readonly next122: boolean;
  readonly nextGapSeconds: number;
  readonly runningSameKey: number;
  readonly submittedLast10m: number;
  readonly lastGapsShort: number;
  readonly lastGapsKnown: number;
  /** Of the key's up to 100 newest known gaps, the share ≤ 122 s (-1: none). */
  readonly ownShortShare: number;
  readonly ownKnown: number;
  /** The job that left the pool started on a warm pool (the deployed "reused" signal). */
  readonly headWarm: boolean;
  p122?: number;
  firstAction?: string;
  firstReason?: string;
  keepHorizonSeconds?: number;
  policyEndMs?: number;
  policyReused?: boolean;
  oracleReused?: boolean;
}

const rows: Row[] = [];
const keepOverrun: number[] = [];
let keepIdleUsd = 0;
let keepIdlePastHorizonUsd = 0;
for (const week of TRAIN_WEEKS) {
  const name = `${(week.workload ?? 'mixed')[0]}${week.seed}`;
  if (only && !only.includes(name)) continue;
  const jobs = whatifJobs(generateTrace(week), {
    prices: DEFAULT_PRICES,
    waitingValuePerHourUsd: wait,
    noQuotaTypes: NO_WARM_POOL_QUOTA_TYPES,
  });
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const keepAlive = { waitingValuePerHour: wait, ...((defaults.keepAlive as object) ?? {}) };
  const parsed = parsePolicy(JSON.stringify({ version: 1, defaults: { ...defaults, keepAlive } }), 'train');
  if (!parsed.ok) throw new Error(formatPolicyErrors(parsed.errors));
  const setup = { policy: parsed.policy, limits, killSwitch: false, prices: DEFAULT_PRICES };
  const sim: Partial<SimOptions> = {
    waitingValuePerHourUsd: wait,
    jobKeepAliveSeconds: 'own',
    limits,
    learning,
  };

  // The policy's run: each job's end, the first decision on the pool it leaves, how that pool ended.
  const endOf = new Map<string, number>();
  const warmJobs = new Set<string>();
  const holder = new Map<string, string>();
  const first = new Map<string, { action: string; reason: string; nowMs: number }>();
  const hopEnd = new Map<string, { atMs: number; reused: boolean }>();
  simulate(
    jobs,
    { kind: 'sweep', setup },
    {
      ...sim,
      onDecision: (d) => {
        if (!first.has(d.job)) first.set(d.job, { action: d.action, reason: d.reason, nowMs: d.nowMs });
        holder.set(d.pool, d.job);
        if (d.action === 'stop' && !hopEnd.has(d.job)) hopEnd.set(d.job, { atMs: d.nowMs, reused: false });
      },
      onJobStart: (s) => {
        const job = byName.get(s.job) as SimJob;
        const warm = s.pool !== undefined;
        if (warm) warmJobs.add(s.job);
        endOf.set(s.job, s.atMs + ((warm ? STARTUP.warm : STARTUP.cold) + job.runSeconds) * 1000);
        if (s.pool !== undefined) {
          const prev = holder.get(s.pool);
          if (prev !== undefined && !hopEnd.has(prev)) hopEnd.set(prev, { atMs: s.atMs, reused: true });
        }
      },
    },
  );
  // The oracle's run: which pools it reused.
  const oracleHolder = new Map<string, string>();
  const oracleReused = new Set<string>();
  simulate(
    jobs,
    { kind: 'oracle' },
    {
      ...sim,
      onJobStart: (s) => {
        if (s.pool === undefined) {
          oracleHolder.set(s.job, s.job);
          return;
        }
        const prev = oracleHolder.get(s.pool) ?? s.pool;
        oracleReused.add(prev);
        oracleHolder.set(s.pool, s.job);
      },
    },
  );

  // Signals known at each job's end (policy run's timeline).
  const byKey = new Map<string, SimJob[]>();
  for (const j of jobs) byKey.set(j.matchKey, [...(byKey.get(j.matchKey) ?? []), j]);
  for (const job of jobs) {
    if (!job.leavesPool) continue;
    const endMs = endOf.get(job.name);
    if (endMs === undefined) continue;
    const same = byKey.get(job.matchKey) ?? [];
    const next = same.find((j) => j.submitAtMs >= endMs);
    const nextGapSeconds = next ? (next.submitAtMs - endMs) / 1000 : Number.POSITIVE_INFINITY;
    let runningSameKey = 0;
    let submittedLast10m = 0;
    // The key's own last gaps known at the end: each earlier same-key job's end to the next submission.
    const gapsKnown: number[] = [];
    for (const j of same) {
      if (j === job || j.submitAtMs > endMs) continue;
      const e = endOf.get(j.name) ?? 0;
      if (e > endMs) runningSameKey++;
      if (endMs - j.submitAtMs <= 600_000) submittedLast10m++;
      if (e <= endMs && j.leavesPool) {
        const n = same.find((k) => k.submitAtMs >= e);
        if (n && n.submitAtMs <= endMs) gapsKnown.push((n.submitAtMs - e) / 1000);
      }
    }
    const last = gapsKnown.slice(-5);
    const own = gapsKnown.slice(-100);
    const f = first.get(job.name);
    const pr = f ? predicted(f.reason) : undefined;
    const end = hopEnd.get(job.name);
    const row: Row = {
      week: name,
      job,
      endMs,
      next60: nextGapSeconds <= 60,
      next122: nextGapSeconds <= 122,
      nextGapSeconds,
      runningSameKey,
      submittedLast10m,
      lastGapsShort: last.filter((g) => g <= 122).length,
      lastGapsKnown: last.length,
      ownShortShare: own.length ? own.filter((g) => g <= 122).length / own.length : -1,
      ownKnown: own.length,
      headWarm: warmJobs.has(job.name),
      ...(pr && pr.withinSeconds === 122 ? { p122: pr.p } : {}),
      ...(f ? { firstAction: f.action, firstReason: f.reason } : {}),
      ...(end ? { policyEndMs: end.atMs, policyReused: end.reused } : {}),
      oracleReused: oracleReused.has(job.name),
    };
    if (f && f.action !== 'stop' && pr) {
      row.keepHorizonSeconds = pr.withinSeconds;
      if (end) {
        const rate = (job.pricePerInstanceHourUsd * job.instanceCount) / 3600;
        const idle = (end.atMs - endMs) / 1000;
        keepIdleUsd += idle * rate;
        const past = Math.max(0, idle - pr.withinSeconds);
        keepIdlePastHorizonUsd += past * rate;
        if (!end.reused) keepOverrun.push(past);
      }
    }
    rows.push(row);
  }
}

/**
 * What keeping each pool of a group to the first / second decision minute after its end would
 * have gained at $0/h against stopping it at once, in USD: a same-key submission by then saves a
 * cold start (122 s of the cluster) and costs the gap idle; none costs the idle to that minute.
 * Competition between pools of a key is ignored, so this is an upper bound for any rule that
 * keeps the whole group.
 */
const keepGain = (rs: readonly Row[], minutes: number): number => {
  let usd = 0;
  for (const r of rs) {
    const rate = (r.job.pricePerInstanceHourUsd * r.job.instanceCount) / 3600;
    const stopAt = (Math.floor(r.endMs / 60_000) + minutes) * 60_000;
    const gap = r.nextGapSeconds;
    usd += r.endMs + gap * 1000 <= stopAt ? (122 - gap) * rate : (-(stopAt - r.endMs) / 1000) * rate;
  }
  return usd;
};
const median = (v: readonly number[]): number => {
  const sorted = [...v].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const pct = (n: number, d: number) => (d === 0 ? '   -' : `${((100 * n) / d).toFixed(0).padStart(3)}%`);
const table = (title: string, groups: Map<string, Row[]>) => {
  console.log(`\n${title}`);
  console.log(
    'group                         pools  ≤60s  ≤122s  oracle-reused  policy-kept  policy-reused  mean P122  keep-to-minute-1/2 gain $',
  );
  for (const [g, rs] of [...groups].sort()) {
    const ps = rs.filter((r) => r.p122 !== undefined).map((r) => r.p122 as number);
    console.log(
      `${g.padEnd(28)} ${String(rs.length).padStart(6)} ${pct(rs.filter((r) => r.next60).length, rs.length)}  ${pct(rs.filter((r) => r.next122).length, rs.length)}  ${pct(rs.filter((r) => r.oracleReused).length, rs.length).padStart(13)}  ${String(rs.filter((r) => r.firstAction !== undefined && r.firstAction !== 'stop').length).padStart(11)}  ${String(rs.filter((r) => r.policyReused).length).padStart(13)}  ${(ps.length ? (ps.reduce((a, b) => a + b, 0) / ps.length).toFixed(3) : '-').padStart(9)}  ${keepGain(rs, 1).toFixed(2).padStart(7)} ${keepGain(rs, 2).toFixed(2).padStart(7)}`,
    );
  }
};
const groupBy = (f: (r: Row) => string) => {
  const m = new Map<string, Row[]>();
  for (const r of rows) m.set(f(r), [...(m.get(f(r)) ?? []), r]);
  return m;
};
const kind = (r: Row) => r.week[0] as string;
console.log(`waiting $${wait}/h; ${rows.length} pools left by jobs on the train weeks`);
table('by workload kind', groupBy(kind));
table(
  'by same-key jobs running at the end',
  groupBy((r) => `${kind(r)} running ${Math.min(r.runningSameKey, 3)}`),
);
table(
  'by same-key submissions in the last 10 min',
  groupBy((r) => `${kind(r)} last10m ${Math.min(r.submittedLast10m, 4)}`),
);
table(
  "by the key's last ≤5 gaps that were ≤ 122 s",
  groupBy((r) => `${kind(r)} short ${r.lastGapsShort}/${r.lastGapsKnown}`),
);
table(
  'by the P(reuse within 122 s) the policy predicted',
  groupBy((r) =>
    r.p122 === undefined
      ? `${kind(r)} P122 n/a (${r.firstAction ?? 'none'})`
      : `${kind(r)} P122 ${(Math.floor(r.p122 * 10) / 10).toFixed(1)}`,
  ),
);
table(
  "by the key's own share of gaps ≤ 122 s (≥ 10 known)",
  groupBy((r) =>
    r.ownKnown < 10
      ? `${kind(r)} own <10 known`
      : `${kind(r)} own ${(Math.floor(r.ownShortShare * 5) / 5).toFixed(1)}`,
  ),
);
table(
  'by own share (≥ 10 known) and the last 5 gaps',
  groupBy((r) =>
    r.ownKnown < 10
      ? 'own <10 known'
      : `own ${(Math.floor(r.ownShortShare * 5) / 5).toFixed(1)} last5 ${r.lastGapsShort >= 4 ? '4-5' : r.lastGapsShort >= 2 ? '2-3' : '0-1'}`,
  ),
);
const sameKeyOf = (r: Row) => Number(/rank \d+ of (\d+) Available/.exec(r.firstReason ?? '')?.[1] ?? 1);
table(
  'signals the deployed decision has: head started warm, Available pools of the key at the event',
  groupBy((r) => `${kind(r)} ${r.headWarm ? 'warm' : 'cold'} pools ${Math.min(sameKeyOf(r), 3)}`),
);
// The clock a workload's next submission keeps (gapClock.ts): from the end, the gaps after warm
// and cold heads are alike (closed loop); from the submission, a warm head's are longer by the
// start-up it saved (open loop: 143 - 21 = 122 s here).
console.log('\nnext same-key gap from the end, by how the head started (quartiles, s)');
for (const [g, rs] of [...groupBy((r) => `${kind(r)} ${r.headWarm ? 'warm' : 'cold'}`)].sort()) {
  const gaps = rs
    .map((r) => r.nextGapSeconds)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const q = (p: number) => (gaps[Math.floor(p * (gaps.length - 1))] ?? Number.NaN).toFixed(0).padStart(6);
  console.log(`${g.padEnd(8)} ${String(gaps.length).padStart(6)} ${q(0.25)} ${q(0.5)} ${q(0.75)}`);
}
const oracleShort = rows.filter((r) => r.oracleReused);
console.log(
  `\noracle reuses ${oracleShort.length}: gaps ≤60 s ${oracleShort.filter((r) => r.nextGapSeconds <= 60).length}, ≤122 s ${oracleShort.filter((r) => r.nextGapSeconds <= 122).length}; policy kept ${oracleShort.filter((r) => r.firstAction !== 'stop').length} of them, reused ${oracleShort.filter((r) => r.policyReused).length}`,
);
console.log(
  `policy keeps: idle $${keepIdleUsd.toFixed(2)}, of which past the priced horizon $${keepIdlePastHorizonUsd.toFixed(2)}; unreused keeps ${keepOverrun.length}, mean seconds past the horizon ${(keepOverrun.reduce((a, b) => a + b, 0) / Math.max(1, keepOverrun.length)).toFixed(1)}`,
);
for (const k of ['m', 'b', 'i', 's']) {
  const meanP = (rs: readonly Row[]) => {
    const ps = rs.filter((r) => r.p122 !== undefined).map((r) => r.p122 as number);
    return ps.length ? (ps.reduce((a, b) => a + b, 0) / ps.length).toFixed(3) : '-';
  };
  const of = rows.filter((r) => kind(r) === k);
  const reused = of.filter((r) => r.oracleReused);
  console.log(
    `${k}: oracle reuses ${reused.length} of ${of.length} pools, median gap ${median(reused.map((r) => r.nextGapSeconds)).toFixed(0)} s; mean P(reuse within 122 s) the policy stopped on: at the oracle's reuses ${meanP(reused)}, elsewhere ${meanP(of.filter((r) => !r.oracleReused))}`,
  );
}
const short = rows.filter((r) => r.keepHorizonSeconds !== undefined && r.keepHorizonSeconds < 60);
const usdOf = (r: Row) =>
  (((r.policyEndMs ?? r.endMs) - r.endMs) / 1000) *
  ((r.job.pricePerInstanceHourUsd * r.job.instanceCount) / 3600);
console.log(
  `keeps priced to a horizon under a minute: ${short.length}, reused ${short.filter((r) => r.policyReused).length}, idle $${short.reduce((a, r) => a + usdOf(r), 0).toFixed(2)}, mean idle ${(short.reduce((a, r) => a + ((r.policyEndMs ?? r.endMs) - r.endMs) / 1000, 0) / Math.max(1, short.length)).toFixed(0)} s`,
);
if (process.env.KEEPS) {
  for (const r of rows
    .filter((x) => x.firstAction !== undefined && x.firstAction !== 'stop')
    .slice(0, Number(process.env.KEEPS))) {
    console.log(
      `  ${r.week} gap ${r.nextGapSeconds.toFixed(0)}s running ${r.runningSameKey} last10m ${r.submittedLast10m} short ${r.lastGapsShort}/${r.lastGapsKnown} reused ${r.policyReused} oracle ${r.oracleReused} idle ${(((r.policyEndMs ?? r.endMs) - r.endMs) / 1000).toFixed(0)}s: ${(r.firstReason ?? '').slice(0, 200)}`,
    );
  }
}
