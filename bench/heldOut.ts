import { readFile } from 'node:fs/promises';
import { generateTrace } from '../devtools/local/trace/generateTrace';
import { NO_WARM_POOL_QUOTA_TYPES } from '../devtools/local/trace/teams';
import { runWhatif, type WhatifReport, whatifJobs } from '../devtools/sim/whatif';
import { DEFAULT_POLICY } from '../lib/domain/policy/defaultPolicy';
import type { Policy } from '../lib/domain/policy/policy';
import { DEFAULT_PRICES } from '../lib/domain/prices';
import { formatPolicyErrors, parsePolicy } from '../lib/policyFile/parsePolicy';
import { fixed, table, yesNo } from './format';
import { REPORTED_WAITING_VALUES, REPORTED_WEEKS } from './workloadSplit';

/**
 * Section 0: the issue's targets on REPORTED team weeks (never used while developing), through
 * the same code as `poolwarden whatif`: the built-in default policy set to each waiting value,
 * the example policy at its own waiting value, against the baselines and the oracle.
 */
export interface HeldOutRow {
  readonly week: string;
  readonly jobs: number;
  readonly waiting: number;
  readonly policy: string;
  readonly total: number;
  readonly oracle: number;
  readonly bestFixed: { readonly label: string; readonly total: number };
  readonly none: number;
  readonly coldStarts: number;
  readonly ownColdStarts: number;
  readonly ownTotal: number;
  readonly idleUsd: number;
  readonly oracleIdleUsd: number;
}

const defaultAt = (waiting: number): Policy => ({
  ...DEFAULT_POLICY,
  defaults: {
    ...DEFAULT_POLICY.defaults,
    keepAlive: { ...DEFAULT_POLICY.defaults.keepAlive, waitingValuePerHourUsd: waiting },
  },
});

const examplePolicy = async (): Promise<Policy> => {
  const parsed = parsePolicy(await readFile('examples/policy.yaml', 'utf8'), 'examples/policy.yaml');
  if (!parsed.ok) throw new Error(formatPolicyErrors(parsed.errors));
  return parsed.policy;
};

const rowsOf = (week: string, report: WhatifReport): HeldOutRow[] => {
  const get = (label: string) => report.rows.find((r) => r.label === label)?.result;
  const fixedRows = report.rows.filter((r) => r.label.startsWith('fixed'));
  const best = fixedRows.reduce((a, b) => (b.result.totalUsd < a.result.totalUsd ? b : a));
  return report.rows
    .filter((r) => r.kind === 'policy')
    .map((r) => ({
      week,
      jobs: report.jobs,
      waiting: report.waitingValuePerHourUsd,
      policy: r.label,
      total: r.result.totalUsd,
      oracle: get('oracle')?.totalUsd ?? Number.NaN,
      bestFixed: { label: best.label, total: best.result.totalUsd },
      none: get('no warm pool')?.totalUsd ?? Number.NaN,
      coldStarts: r.result.coldStarts,
      ownColdStarts: get("jobs' own keep-alive")?.coldStarts ?? Number.NaN,
      ownTotal: get("jobs' own keep-alive")?.totalUsd ?? Number.NaN,
      idleUsd: r.result.idleUsd,
      oracleIdleUsd: get('oracle')?.idleUsd ?? Number.NaN,
    }));
};

export const runHeldOut = async (): Promise<{ rows: HeldOutRow[]; tables: string[]; seconds: number[] }> => {
  const example = await examplePolicy();
  const rows: HeldOutRow[] = [];
  const tables: string[] = [];
  const seconds: number[] = [];
  for (const week of REPORTED_WEEKS) {
    const trace = generateTrace(week);
    for (const waiting of REPORTED_WAITING_VALUES) {
      const options = {
        prices: DEFAULT_PRICES,
        waitingValuePerHourUsd: waiting,
        noQuotaTypes: NO_WARM_POOL_QUOTA_TYPES,
      };
      const policies = [
        { label: `built-in default at $${waiting}/h`, policy: defaultAt(waiting) },
        ...(waiting === 90 ? [{ label: 'examples/policy.yaml ($90/h)', policy: example }] : []),
      ];
      const report = runWhatif(whatifJobs(trace, options), policies, options);
      seconds.push(report.seconds);
      rows.push(...rowsOf(week.label, report));
      tables.push(
        `#### ${week.label} (${report.jobs} jobs, ${week.teams} teams, ${week.workload}), waiting $${waiting}/h\n\n${table(
          [
            'policy',
            'total $',
            '× oracle',
            'idle $',
            'cold-start $',
            'waiting $',
            'cold starts',
            'warm starts',
          ],
          report.rows.map((r) => [
            r.label,
            fixed(r.result.totalUsd, 2),
            fixed(r.timesOracle, 2),
            fixed(r.result.idleUsd, 2),
            fixed(r.result.coldStartUsd, 2),
            fixed(r.result.waitingUsd, 2),
            String(r.result.coldStarts),
            String(r.result.warmStarts),
          ]),
        )}`,
      );
    }
  }
  return { rows, tables, seconds };
};

export const heldOutGoals = (rows: readonly HeldOutRow[]): string =>
  table(
    [
      'week',
      'waiting',
      'policy',
      '÷ oracle (≤ 1.25)',
      '÷ best fixed (< 1)',
      '÷ no warm pool (< 1)',
      'cold starts vs own keep-alive (≤ +5 % at ≥ $60)',
    ],
    rows.map((r) => {
      const cold = r.coldStarts / r.ownColdStarts - 1;
      return [
        r.week,
        `$${r.waiting}/h`,
        r.policy,
        `${fixed(r.total / r.oracle, 2)} ${yesNo(r.total / r.oracle <= 1.25)}`,
        `${fixed(r.total / r.bestFixed.total, 2)} (${r.bestFixed.label}) ${yesNo(r.total < r.bestFixed.total)}`,
        `${fixed(r.total / r.none, 2)} ${yesNo(r.total < r.none)}`,
        r.waiting >= 60
          ? `${r.coldStarts} vs ${r.ownColdStarts} (${cold >= 0 ? '+' : ''}${fixed(cold * 100, 1)} %) ${yesNo(cold <= 0.05)}`
          : `${r.coldStarts} vs ${r.ownColdStarts}`,
      ];
    }),
  );

/** The targets missed, each with by how much, and why (the reasons are this work's findings). */
export const heldOutMisses = (rows: readonly HeldOutRow[]): string => {
  const list = (items: string[]) => (items.length === 0 ? 'none' : items.join(', '));
  const oracle = rows
    .filter((r) => r.total / r.oracle > 1.25)
    .map(
      (r) =>
        `${r.week} $${r.waiting}/h ${r.policy.startsWith('examples') ? '(example) ' : ''}${fixed(r.total / r.oracle, 2)}×`,
    );
  const fixedMiss = rows
    .filter((r) => r.total >= r.bestFixed.total)
    .map((r) => `${r.week} $${r.waiting}/h ${fixed(r.total / r.bestFixed.total, 2)}×`);
  const none = rows
    .filter((r) => r.total >= r.none)
    .map(
      (r) => `${r.week} $${r.waiting}/h ${fixed(r.total / r.none, 3)}× ($${fixed(r.total - r.none, 2)} more)`,
    );
  const cold = rows
    .filter((r) => r.waiting >= 60 && r.coldStarts > r.ownColdStarts * 1.05)
    .map((r) => `${r.week} $${r.waiting}/h +${fixed((r.coldStarts / r.ownColdStarts - 1) * 100, 1)} %`);
  const oracleSaves = rows
    .filter((r) => r.waiting === 0)
    .map((r) => `${fixed((1 - r.oracle / r.none) * 100, 1)} %`);
  return `Where a target is missed, by how much and why:

- ≤ 1.25× the oracle: missed on ${list(oracle)}. Within a bursty week's sessions the gaps are
  heavy-tailed (30 s to 4 h), and where a session ends cannot be told from the gaps learned: the
  oracle knows it. A lag behind the switches between crunch and quiet days is not what costs: on
  the training weeks a two-hour half-life (following a switch within hours) measured worse than one
  day (bursty week 14 at $60/h: 1.32× against 1.27×), 12 h to 4 d alike, and a second, 1–2 h
  timescale on top of the day did not help either. Pools of one key competing for the same next
  jobs (SageMaker hands a job the pool that expires soonest; the decision now prices a pool's rank
  among the Available pools of its key, sameKeyRank.ts) explain a part: on the training weeks it
  took the bursty weeks at $90/h from 1.22–1.30× to 1.21–1.27×, left them at $60/h alike
  (1.20–1.28× → 1.21–1.28×), and the sweep week at $0/h from 1.34× to 1.25× (all 36 rows: 28
  missed targets → 25). Where the money still went on the four bursty training weeks at $60/h:
  $219 more idle than the oracle and 219 more cold starts ($460). Where the policy stopped a pool
  first in line it had predicted P(reuse within the break-even window) = 0.23 on average, and a
  same-key job came in 0.44 of the cases: far into an idle period a key's or owner's few gaps
  swung the estimate, and the stops came on its low swings. Counting a broader scope as 64
  samples of the narrower one (was 8; chosen by the log loss of P(a same-key job within 30 min |
  idle) at every decision of the training weeks), and letting an extension bounded by the
  expected-cost horizon reach a decision minute past it (an expiry set at the horizon ended the
  pool before the decision there could keep it), took the bursty training weeks from 1.26× to
  1.23× at $60/h and from 1.25× to 1.23× at $90/h (all 36 rows: 25 missed targets → 20). What is
  left is where a session ends: the signals the deployed system has measured weak on the training
  weeks (the owner's next job on another key: P(a reuse within 30 min | idle 20 min) 0.30 against
  0.37; a same-key job running: rare past 10 minutes idle). Where the learned P is wrong on the
  six bursty training weeks at $60/h (bench/trainCalibration.ts with BY=scope: every decision from
  3 minutes idle on, against a same-key job within the priced window, competition not counted, so
  "came" is an upper bound): on keys with 30 or more gaps of their own it is calibrated (predicted
  0.48 and 0.69, came 0.48 and 0.67); on younger keys it is over-confident (0.49 → 0.39–0.44,
  0.68 → 0.59, 0.84 → 0.66–0.76; about 21,000 decisions), and most on a key with no gap yet under an
  owner with 30 or more (0.49 → 0.17, 0.69 → 0.31; 83 decisions): an owner's pooled gaps, made
  mostly by its busy keys, are read as a young key's. Not changed: counting the broader scope as
  16, 32 or 128 samples at the match key only (64 elsewhere) measured 18, 18 and 22 missed checks
  (21 then) with means × oracle at $60/h 1.155, 1.156, 1.157 (1.156 then), within the noise, and
  leaving the owner level out measured worse (26 missed, 1.157); so did a broader scope counting
  each of its match keys alike rather than each gap (tried in the replay only, the scope's total
  weight kept: 34 missed, 1.165 at $60/h, 1.153 at $90/h), so busy keys outweighing young ones in
  their owner's gaps is not the cause. On the seven mixed training weeks the same check finds the
  over-confidence from 3 minutes idle on in keys with 30 or more gaps too (0.49 → 0.28, 0.28 →
  0.16), while at a job's end, where every pool is decided on once, P ≥ 0.6 came true as predicted
  (bursty: 0.72 → 0.71, 0.84 → 0.81): the pools still idle after 3 minutes are those the decision
  kept because its estimate was high, so a noisy estimate's high swings are what is kept (the
  mirror image of the stops on its low swings above). Judging keeps on a lower confidence bound or
  on one standard error of the gain, measured before, lost at $60/h. What did help is where the
  broader scope's weight sits: counted as 64 samples from idle 0, it fades with the broader
  scope's own survival (64 × S(a) at risk after a seconds idle), so far into an idle period a
  key's handful of own gaps decides alone. Counted on the hazard instead (gapLearner.ts,
  priorOnHazard: the broader scope's hazard as 16 samples at risk at every idle time, a
  beta-process prior), the 18 training weeks went from 21 missed checks to 14, mean × oracle $0
  1.0218 → 1.0202, $60 1.1561 → 1.1547 (bursty weeks 18, 19, 24: 1.264, 1.259, 1.282 → 1.254,
  1.265, 1.267), $90 1.1457 → 1.1454 (max 1.247 → 1.245), $0/h total against no warm pool
  −$5.10 → −$6.63 (sweep weeks −$4.95 → −$5.56; week s16 alone −$3.23 → −$3.19), with one new
  miss: mixed week 11 at $0/h, $0.00 above no warm pool (was $0.01 below). Weights 8, 24, 32, 48
  and 64 on the hazard: 14, 15, 14, 19, 24 missed, $60/h 1.1558, 1.1543, 1.1546, 1.157, 1.158.
  From 3 minutes idle on, bursty weeks, keys with fewer than 10 gaps: predicted 0.48/0.69/0.84,
  came 0.41/0.62/0.69 (were 0.39/0.59/0.66): still over-confident, less so. Burst state as
  evidence, measured in the replay and not adopted: each key's gaps learned apart by whether,
  when the head ended, another same-key job was running or submitted within the last 0, 2, 10 or
  30 minutes (the pool's own state's gaps decided it, its owner's as the prior): 22 missed checks
  each, means × oracle alike (1.156 at $60/h, max 1.281); the deployed path would need each
  gap's state at its pool's start in the usage stats (a field on a stored gap) and the same-key
  jobs running at the job's end (the ledger has them). On the held-out weeks (looked at once, after
  choosing the hazard prior): R1 at $0/h $201.25 → $201.24 against $201.24 for no warm pool (now
  below it, by less than a cent: 8 warm starts), R2 $272.84 → $272.81 against $272.82, R3 $148.92
  → $148.71 against $149.01; at $60/h R1 1.12 → 1.11× the oracle, R2 $1,013.89 → $1,012.08, R3
  1.240 → 1.236×; at $90/h R2 1.13 → 1.12×. Every held-out target is met; the margins that
  matter for weeks not in this repository are thin: R3 at $60/h (1.24× against 1.25×), and
  R1 at $0/h.
- Below the best fixed keep-alive: missed on ${list(fixedMiss)}.
- Below no warm pool: missed on ${list(none)}. At $0/h a cold start costs only 122 s of the
  cluster: the oracle itself saves only ${list(oracleSaves)} against no warm pool (same weeks), so a
  keep pays only for a same-key job nearly sure within about two minutes, and the deployed system
  can stop a pool only at a decision (the job's end event, then each sweep minute). While nothing
  is learned in any scope the decision runs on a built-in prior (gapLearner.ts), which at $0/h
  stops every pool at once. Measured on the training weeks at $0/h (bench/trainZero.ts,
  bench/trainIdle.ts): a key's reuse seconds after a job's end made keeps to an observed gap of
  2–5 s look worth it, and those pools idled until the sweep minute (316 keeps priced under a
  minute, $6.85 idle, 74 s each on average; 44 % of all kept-pool idle, $8.57 of $19.66, came
  after the horizon the decision had priced). A keep shorter than the next decision is now priced
  to that decision (expectedCost.ts): no such keep is left, idle past the priced horizon is $1.28,
  and the 18 training weeks' $0/h total above no warm pool fell from +$2.52 to +$2.28 (mean ×
  oracle at $0, $60, $90: 1.034, 1.157 → 1.156, 1.146 alike; missed checks 28 → 29, bursty week 24
  at $60/h 1.27× → 1.28×). Left then: +$0.28 in all on the 16 mixed, bursty and interactive
  training weeks (ties where nothing is kept, a handful of keeps on keys with many short gaps),
  and +$2.00 on the two sweep weeks. There the next trial of a sweep slot (and in these traces a
  person's next job too) is timed from its submission, not the job's end: an open loop, like a
  schedule or a sweep driver with a fixed budget per trial, so after a warm start the gap from
  the end is 122 s longer (pools of a warm-started sweep job had a same-key job within 122 s in
  22 % of 392 cases, of a cold-started one in 91 % of 1,445; quartiles by how the head started in
  bench/trainZero.ts). Each gap now keeps its head's start-up, and a match key whose own reuse
  gaps show the shift is learned on the submission clock (gapClock.ts; other keys and every
  broader scope stay on the end clock). Measured on the training weeks: timing every scope from
  the submission would take the $0/h total from +$2.28 to −$7.83 (sweep weeks by −$9.65, mixed
  by −$0.44) but cost $62 more at $60/h and $35 more at $90/h on the seven mixed weeks (mean ×
  oracle 1.156 → 1.162, 1.146 → 1.149); reading a clock in every scope, a key without evidence
  inheriting its owner's, team's or all pools', lost at $60/h too (mixed weeks +$54; key and
  owner only: +$3.56). Per match key from its own
  gaps only: missed checks 29 → 26, mean × oracle $0 1.034 → 1.025, $60 1.1563 → 1.1562, $90
  1.1460 → 1.1458, $0/h total +$2.28 → −$3.10 (sweep weeks +$2.00 → −$3.40; mixed +$0.21 →
  +$0.24, bursty +$0.07, interactive $0.00 alike); 5 reuses per group instead of 3 measured alike
  (−$2.41). On the held-out weeks (looked at once, after choosing) it took R3 at $0/h from $0.09
  above no warm pool to $0.03 below; R1 and R2 at $0/h stay $0.01 above, as before. A key too
  young to tell its clock is priced on both clocks (a keep must pay on the gaps from the end and
  from the submission; the shorter keep is taken): on the training weeks missed checks 26 → 21,
  $0/h total −$3.10 → −$5.10 (every mixed week at or below no warm pool), mean × oracle $60
  1.15618 → 1.15608, $90 1.14582 → 1.14574; held-out (looked at once, after choosing): R3 $0/h
  1.02 → 1.01× the oracle, R1 and R2 at $0/h still $0.01 above no warm pool with no pool kept
  (no warm start; $0.01 of idle). A replay remembers each key's clock between decisions
  (the evidence read again only when a reuse comes or goes, only new samples shifted): the
  clock's extra CPU on the 10,000-job whatif went from about 3 s to about 1.3 s (1.1–1.9 s with
  the undecided-clock keep; before the clock 9.2–9.3 s). No signal the
  decision reads picks out the oracle's reuses: its P(reuse within 122 s) was 0.32 where the
  oracle reused a pool of a mixed week and 0.21 elsewhere (bursty 0.35 against 0.25), and keeping
  every pool with P ≥ 0.6 to the second sweep minute would have gained at most $0.50 over the 14
  mixed and bursty weeks, with no other pool of its key competing (at most $0.04 a week). Signals
  it does not read are stronger but not enough: with two or more same-key jobs running at the
  job's end, or three or more same-key submissions in the last 10 minutes, 78–93 % of pools had a
  same-key job within 122 s, yet keeping all of them to the second sweep minute would have gained
  at most $2.3–2.7 over 6–8 weeks (under $0.50 a week) with no competition, and the oracle could
  reuse only 51–78 % of them. Trusting a key's own gaps sooner (a broader scope as 16 samples, not 64) or its recent
  gaps more (half-life 2 h or 6 h, not 1 d) lost more at $0/h: +$3.62, +$2.56, +$2.71 against
  +$2.28. So on these weeks "strictly below no warm pool at $0/h" is a matter of cents and luck
  for any policy that decides on what the system knows. Measured on the training weeks and not
  adopted before: pricing every horizon at the sweep minute that would end it (at $0/h 1.036× →
  1.030× the oracle, at $60/h 1.162× → 1.167× and the worst week 1.27× → 1.32×); keeping only when
  the expected gain exceeds one standard error of its estimate (no gain at $0/h; at $60/h 1.172×
  → 1.185×); judging keeps on a lower confidence bound of P(reuse) (at $60/h 1.19× → 1.22×).
  Where the training weeks' $0/h misses come from (18 weeks, built-in default, missed checks 21):
  6 of the 9 weeks that miss "below no warm pool" tie it to the cent because no pool is kept at all
  (interactive 13, 22, 25; bursty 19, 24; mixed 21). The oracle saves $0.39–1.97 a week there, but
  in no group by the P the decision predicted would keeping every pool to the first or second
  sweep minute have gained (bench/trainZero.ts); by signals it does not read (same-key jobs
  running at the job's end, same-key submissions in the last 10 minutes, the key's last five gaps
  all short) at most $0.85 over those six weeks, competition between pools not counted. The other 3 (bursty 14, 17, 18:
  +$0.002, +$0.05, +$0.01) lose on 7 keeps of sweep-slot keys priced at P(reuse within about 1.5
  min | idle 0) = 0.59–0.66: 2 were reused, 3 came at the end of a sweep (no same-key job for
  days), 2 were stopped at the next sweep minute 1 s and 6 s before the same-key job came (there
  P(reuse within 122 s | idle 72 s) = 0.29). Such keeps are worth their price on what came
  after the same P elsewhere (below: 0.71 of bursty decisions predicted at 0.6 or more had a
  same-key job within 122 s), so these weeks lost on seven draws, not on a rule. What the learner gets wrong at $0/h
  (bench/trainCalibration.ts, every decision of the mixed and bursty training weeks): it is
  under-confident where a keep would pay. Where it predicted 0.48 (P 0.4–0.6) a same-key job came
  within 122 s in 0.58–0.63 of the decisions, and where it predicted 0.62–0.64 (P ≥ 0.6) in
  0.71–0.88: a key's own short gaps are shrunk toward its owner's (the broader scope counts 64
  samples). Less shrinkage, measured on the training weeks: 48 samples took missed checks 21 → 18
  and the $0/h total against no warm pool −$5.10 → −$6.01, means × oracle at $60/h 1.156 → 1.155
  and at $90/h 1.146 alike, but moved single weeks by up to 1 % either way at $60/h (bursty 19
  1.259× → 1.269×, bursty 24 1.282× → 1.269×): not adopted, a constant chosen within the noise;
  32 and 16 gained more at $0/h (−$6.05, −$7.78) and lost at $60/h (1.157×, 1.162×); 128 lost at
  both. Pricing the keep at a job's end to the real next sweep minute (rather than a whole period
  on): $0/h −$5.10 → −$5.41, $60/$90 alike, missed checks 21 → 22 (mixed 11 at $0/h from −$0.006
  to a tie): not adopted.
- Cold starts no worse than the jobs' own keep-alive by more than 5 % (≥ $60/h): missed on ${list(cold)}.
  The policy gives up a few reuses that are not worth their idle price. On the training weeks
  that miss it (mixed weeks 15 and 20, sweep week 16 at $60/h), 60 of the 65 lost warm starts
  come after the strategy stopped a pool alone of its key ("no horizon is worth the idle
  price"), often on keys with fewer than 10 gaps of their own and clusters of $1.4–3.8/h, the job
  mostly within 10 minutes of the stop; 5 after the release of a pool behind others of its key.
  No change was chosen for it. In total it costs
  ${list(rows.filter((r) => r.waiting >= 60).map((r) => `${fixed(r.total / r.ownTotal, 2)}×`))} of what the jobs' own keep-alive costs (same rows).`;
};
