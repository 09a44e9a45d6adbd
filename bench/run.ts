import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { runBundles } from './bundles';
import { fixed, table, thousands, yesNo } from './format';
import { POLICY_WORKLOADS, PROPOSED, runPolicyQuality } from './policyQuality';
import { localSpeedRow, runLocalCounted, runningCostSection, runPolling, traceOf } from './runningCost';
import { runSweepAccounts } from './sweepAccounts';
import { runSweepScaling } from './sweepScaling';

/**
 * `npm run bench`: every section in one run, written to bench/results.md. Nothing here is a
 * test: `npm test` asserts nothing about time.
 */
const started = performance.now();
const log = (message: string) =>
  console.error(`[bench ${((performance.now() - started) / 1000).toFixed(0)} s] ${message}`);

const commit = (() => {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
})();

log('1/5 policy quality (simulation)');
const policy = runPolicyQuality();
log('4/5 sweep scaling');
const sweep = await runSweepScaling();
log('4/5 sweep over many accounts');
const accounts = await runSweepAccounts();
const idleAccountsCostNothing = accounts.rows
  .filter((r) => r.availablePools === 0)
  .every((r) => r.sageMakerCalls === 0 && r.accessChecks === 0 && r.ledgerCalls <= 1);
log('3/5 bundles and init time');
const bundles = await runBundles();
log('2/5 + 5/5 local stack: small run (running cost)');
const small = await runLocalCounted(traceOf(3, 4), 3);
const polling = runPolling(traceOf(3, 4));
const cost = runningCostSection(small, polling);
log(`local stack: larger run (speed); small run took ${small.wallSeconds.toFixed(0)} s`);
const large = await runLocalCounted(traceOf(7, 8), 7);
const speeds = [localSpeedRow(small), localSpeedRow(large)];
const rate = speeds[1]?.jobsPerSecond ?? Number.NaN;

const cpus = os.cpus();
const goalsRows = policy.goals.map((g) => [
  g.workload,
  `$${g.waiting}/h`,
  fixed(g.ratio, 2),
  yesNo(g.withinRatio),
  `${g.bestFixedLabel} ($${fixed(g.bestFixedUsd, 0)})`,
  `$${fixed(g.adaptiveUsd, 0)}`,
  yesNo(g.belowBestFixed),
]);
const allWithin = policy.goals.every((g) => g.withinRatio);
const allBelow = policy.goals.every((g) => g.belowBestFixed);
const sweepTracksAvailable = (() => {
  const byN = new Map<number, Set<string>>();
  for (const r of sweep.rows) {
    const set = byN.get(r.available) ?? new Set();
    set.add(`${r.ledgerCalls}/${r.recordsRead}/${r.describes}`);
    byN.set(r.available, set);
  }
  return [...byN.values()].every((s) => s.size === 1);
})();

const md = `# poolwarden benchmarks

Written by \`npm run bench\` (bench/run.ts). Do not edit by hand.

- Date: ${new Date().toISOString()}
- Commit: ${commit}
- Machine: ${os.type()} ${os.release()} ${os.arch()}, ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${fixed(os.totalmem() / 2 ** 30, 1)} GiB RAM
- Node ${process.version}
- Whole run: ${fixed((performance.now() - started) / 1000, 0)} s

## Goals

| goal | result |
| --- | --- |
| adaptive policy within 1.25× of the oracle on every workload | ${yesNo(allWithin)} (see the table below) |
| adaptive policy below the best fixed keep-alive on every workload | ${yesNo(allBelow)} |
| at least 10× fewer SageMaker calls than polling | ${yesNo(cost.ratio >= 10)} (${fixed(cost.ratio, 0)}×) |
| sweep work proportional to Available pools only | ${yesNo(sweepTracksAvailable)} |
| 50 accounts × 3 regions, no Available pool: at most one list call per account and region, nothing else | ${yesNo(idleAccountsCostNothing)} (section 4b) |
| local stack: 10,000 jobs in 60 s | ${yesNo(10_000 / rate <= 60)} (${fixed(rate, 1)} jobs/s: 10,000 jobs would take about ${fixed(10_000 / rate / 60, 0)} min) |

| workload | waiting value | adaptive ÷ oracle | ≤ 1.25× | best fixed keep-alive | adaptive | below best fixed |
| --- | --- | --- | --- | --- | --- | --- |
${goalsRows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

## 1. Policy quality

Simulation (devtools/sim/keepAliveSim.ts) of ${POLICY_WORKLOADS.length} generated workloads (generateTrace, seed 2026, 56 days from
2026-01-05, the default teams). Per match key, each submitted job takes a matching Available pool
(the emulator's rule: the one that expires soonest) and starts in 21 s, or starts cold in 143 s;
a job that ends Completed, Stopped, or Failed with an algorithm or client error leaves a pool
(not on ml.p5.48xlarge, which has no warm pool quota); the policy keeps, extends or stops it.
Every job is assumed to ask for a keep-alive: the trace's own keep-alive values are not used, so
that every policy manages the same pools.

Cost = idle billable instance-seconds × price + cold starts × 122 s (143 − 21) × instance count ×
price + cold starts × 122 s × the value of a waiting person ($0/h, then $60/h). Prices:
lib/domain/prices.ts. The learned policies are configured with the same cold-start cost
(\`coldStartSeconds: 122\`, \`waitingValuePerHourUsd\` as the table).

- **no warm pool**, **fixed N min**: every job asks for N minutes; nothing acts on the pools.
- **break-even**, **hybrid histogram**, **poolwarden adaptive**: production code, \`evaluatePool\`
  (the sweep's whole policy step: rule, learnt gaps, strategy, \`decide\`) on an in-memory
  JobRecord, run when the pool becomes Available (the policy reactor) and at every sweep minute
  after. Each job asks for 1 h (SageMaker's per-call cap); \`decide\` stops the pool when the
  strategy's time has passed and extends it (UpdateTrainingJob, from the update, within the
  per-call and 28-day lifetime caps) when the strategy wants it past its expiry. The rule has no
  idle limits, working hours, spend caps or warnings. Gaps are learnt online, as the usage-stats
  reactor records them: an exact gap per reuse, a censored idle time per pool that ended unreused,
  per match key and per owner, the newest 300 per scope; a decision only sees samples recorded
  before it. The hybrid histogram falls back to the job's own keep-alive (1 h) when its histogram
  is not representative.
- **adaptive, exact timing**: the strategy alone (\`adviseKeepAlive\`), acted on exactly at its
  keepUntil, with no per-call cap: what a perfect scheduler would get from the same strategy.
- **${PROPOSED}**: not poolwarden today. The same production policy, but a pool the policy
  stopped records no censored sample; the next cold submission with its match key records the
  exact gap the pool would have had (after 6 h without one, a censored 6 h sample).
- **oracle**: offline; a pool that becomes Available knows the next submission with its match key
  not already promised to another pool, and is kept exactly until then if that idle costs less
  than a cold start, else released at once. With several pools of one key idle at once (sweeps)
  this greedy matching is near-optimal, not a strict lower bound.

"updates" are the UpdateTrainingJob calls the policy makes. Reuse rate = jobs that started warm.

${policy.section.body
  .split('\n\n')
  .map((t, i) => {
    const w = POLICY_WORKLOADS[Math.floor(i / 2)];
    const waiting = i % 2 === 0 ? 0 : 60;
    return `### ${w}, waiting $${waiting}/h\n\n${t}`;
  })
  .join('\n\n')}

## 2. Running cost

${cost.section.body}

DynamoDB capacity: the instrumented SDK asks dynalite for \`ReturnConsumedCapacity: TOTAL\` on
every request and sums the answers (dynalite computes units from item sizes as DynamoDB does:
4 KB per RCU, 1 KB per WCU). The local report's final Scan (reading the ledger back) is not
counted. SNS Publish calls are the email notifications. On-demand pricing (us-east-1,
$0.25 per million reads, $1.25 per million writes) puts poolwarden's DynamoDB bill at about
$${fixed(((small.counts.capacity.read * 0.25 + small.counts.capacity.write * 1.25) / 1e6 / small.jobs) * 1000, 4)} per 1,000 training jobs.

## 3. Bundles and initialisation

${bundles.section.body}

Built with the esbuild options of serverless.yml (minified ESM for node22, with source maps). Init
time = importing the bundle in a fresh \`node\` ${process.version} process on this machine, with the
SSM prefetch answered on loopback; Lambda's arm64 cold start adds the runtime's own start.

## 4. Sweep: work against Available pools and history

${sweep.section.body}

One sweep (lib/app/sweep.ts, default policy) with in-memory ports and a TrainingJobs that answers
at once. Every pool was looked at 30 s before (none due for reconciliation), so describes are 0;
a pool past its predicted expiry or not described for 15 minutes costs one DescribeTrainingJob.
The work (ledger calls: one \`availablePools\` page per 100 Available pools, records read, SageMaker
calls) depends only on the Available pools. The in-memory ledger's \`availablePools\` filters every
record it holds on each page, so its time would grow with history for larger M; DynamoDB's sparse
\`byExpiry\` index holds only Available pools.

## 4b. Sweep over many accounts and regions

${accounts.section.body}

One sweep over every account and region (lib/app/sweepAccounts.ts: the Available pools read once,
grouped by account and region, each group swept with its own client after an access check) with
in-memory ports and a SageMaker per account and region that answers at once. Pools were last
described 20 minutes before, so each is due for one DescribeTrainingJob. An access check resolves
the spoke role's credentials: an STS AssumeRole only when the SDK's cached ones are missing or
expiring. With no Available pool nothing is called in any account: the sweep does not list
(ListTrainingJobs) today, so its "one list call per account and region" budget is unused.

## 5. Local-stack replay speed

${table(
  ['jobs', 'wall s (incl. start-up)', 'jobs/s', 'AWS SDK calls', 'ms per SDK call', 'sweeps'],
  speeds.map((s) => [
    thousands(s.jobs),
    fixed(s.wallSeconds, 1),
    fixed(s.jobsPerSecond, 1),
    thousands(s.calls),
    fixed(s.msPerCall, 2),
    thousands(s.sweeps),
  ]),
)}

The local stack (runLocal: real functions and SDK clients over HTTP to dynalite and the
emulator, a sweep every virtual minute while any pool is Available) replays ${fixed(rate, 1)} jobs per
second here: a 10,000-job trace would take about ${fixed(10_000 / rate / 60, 0)} minutes, not 60 s. The runs are
capped at the sizes above so that \`npm run bench\` stays under 10 minutes. Each SDK call costs
${fixed(speeds[1]?.msPerCall ?? Number.NaN, 1)} ms of wall time (SDK middleware and signing, loopback HTTP, dynalite's LevelDB), and
a job costs about ${fixed((speeds[1]?.calls ?? 0) / (speeds[1]?.jobs ?? 1), 0)} calls, most of them the per-minute sweeps' reads.
`;

await writeFile('bench/results.md', md);
log('wrote bench/results.md');
