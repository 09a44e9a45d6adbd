/**
 * `npm run bench:reconcile`: what the reconciler costs and what it saves, printed and written
 * into bench/results.md (its own section). Nothing here is a test.
 *
 * 1. The bundled team week with the example policy, calm, with delays alone (--chaos, without the
 *    catch-up listings, and with a full reconcile every minute), and with
 *    --chaos --drop 0.1 --crash 0.05 --throttle 0.1: idle cost, whether the ledger matches the
 *    emulator, SageMaker calls and DynamoDB requests per job (counted at the emulators), against
 *    polling every Available pool every minute (one DescribeTrainingJob per Available
 *    pool-minute, SageMaker's own billable seconds / 60; the list calls polling needs are not
 *    even counted), and against that plus the UpdateTrainingJob calls a poller makes too. With
 *    the adaptive reconcile period (15 minutes up to 60, the default; up to 120), and fixed
 *    periods of 15, 30 and 60 minutes. What the catch-up listings add to
 *    the sweep's Lambda time is the virtual time sweeps spent waiting within their invocations.
 * 2. ListTrainingJobs calls per reconcile as the account's history grows (1k, 10k, 100k jobs
 *    over the 28-day window, one Available pool): the full listing pages before it filters, so
 *    it follows the history; the listing every reconcile makes (the recent window,
 *    recentPoolsWindowMs) follows the jobs of the last few hours.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { type LocalRunOptions, runLocal } from '../devtools/local/runLocal';
import { VirtualClock } from '../devtools/local/runtime/virtualClock';
import { SageMakerApi } from '../devtools/local/sagemaker/sageMakerApi';
import { WarmPoolModel } from '../devtools/local/sagemaker/warmPoolModel';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../lib/domain/keepAlive';
import { recentPoolsWindowMs, reconcileWindowMs } from '../lib/domain/reconcileWindow';
import { readPolicyFile } from '../lib/policyFile/readPolicyFile';
import { readTraceFile } from '../lib/trace/readTraceFile';
import { fixed, table, thousands } from './format';
import { callerChain, countRequests } from './requestCallers';

const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

const trace = await readTraceFile('examples/team-week.jsonl');
const policy = await readPolicyFile('examples/policy.yaml');
const FAULTS = { drop: 0.1, crash: 0.05, throttle: 0.1 };
const scenarios: Array<{
  label: string;
  options: Partial<LocalRunOptions>;
  /** A fixed reconcile period of this many minutes (the longest set to the base). */
  reconcileMinutes?: number;
  /** The longest period quiet reconciles stretch it to, from the base of 15 minutes. */
  longestMinutes?: number;
  env?: Readonly<Record<string, string>>;
}> = [
  { label: 'calm', options: {} },
  // The listing is one call a period whatever happens: the period is the main lever on calls.
  { label: 'calm, reconcile every 15 minutes (fixed)', options: {}, reconcileMinutes: 15 },
  { label: 'calm, reconcile every 30 minutes (fixed)', options: {}, reconcileMinutes: 30 },
  { label: 'calm, reconcile every 60 minutes (fixed)', options: {}, reconcileMinutes: 60 },
  { label: 'calm, period stretching up to 120 minutes', options: {}, longestMinutes: 120 },
  // The default stretches past the hour only while no dear job runs; these show it off, and the
  // nights (the nightly ml.p4d.24xlarge jobs) stretched to 3 hours too: the owner's lever on 3×.
  {
    label: 'calm, no stretch past 60 minutes',
    options: {},
    env: { POOLWARDEN_RECONCILE_IDLE_MAX_MINUTES: '60' },
  },
  {
    label: 'calm, up to 180 minutes while dear jobs run, 480 otherwise',
    options: {},
    env: { POOLWARDEN_RECONCILE_MAX_MINUTES: '180', POOLWARDEN_RECONCILE_IDLE_MAX_MINUTES: '480' },
  },
  { label: '--chaos (delays up to 10 min, duplicates)', options: { chaosSeed: 1 } },
  { label: '--chaos, reconcile every 15 minutes (fixed)', options: { chaosSeed: 1 }, reconcileMinutes: 15 },
  // Without catch-up listings (one listing an invocation while ends run late): the sweep's minute is the floor.
  {
    label: '--chaos, catch-up listings off',
    options: { chaosSeed: 1 },
    env: { POOLWARDEN_CATCH_UP_SECONDS: 'off' },
  },
  // A full reconcile every minute, catching up as well: what listing every Available pool adds.
  { label: '--chaos, reconcile every minute', options: { chaosSeed: 1 }, reconcileMinutes: 1 },
  // The end watch (an earlier answer to the nightly ml.p4d.24xlarge pools whose end events run
  // late) describes such jobs around their learnt end; these show it on, and describing every
  // minute of its window.
  {
    label: '--chaos, end watch on ($50/h and dearer)',
    options: { chaosSeed: 1 },
    env: { POOLWARDEN_END_WATCH_USD_PER_HOUR: '50' },
  },
  {
    label: '--chaos, end watch on, every minute of its window',
    options: { chaosSeed: 1 },
    env: { POOLWARDEN_END_WATCH_USD_PER_HOUR: '50', POOLWARDEN_END_WATCH_DESCRIBES_PER_JOB: '1440' },
  },
  { label: '--chaos --drop 0.1 --crash 0.05 --throttle 0.1', options: { chaosSeed: 1, faults: FAULTS } },
  {
    label: 'the same, catch-up listings off',
    options: { chaosSeed: 1, faults: FAULTS },
    env: { POOLWARDEN_CATCH_UP_SECONDS: 'off' },
  },
  {
    label: 'the same, period stretching up to 120 minutes',
    options: { chaosSeed: 1, faults: FAULTS },
    longestMinutes: 120,
  },
  // The trade-off: reconciling more often finds late and lost ends sooner, for more list calls.
  ...[15, 30, 60, 5, 1].map((minutes) => ({
    label: `the same, reconcile every ${minutes === 1 ? 'minute' : `${minutes} minutes`} (fixed)`,
    options: { chaosSeed: 1, faults: FAULTS },
    reconcileMinutes: minutes,
  })),
];

/**
 * What each SageMaker call of the calm run is for, from the functions that made it (first match
 * wins: a describe made while detecting a reuse at a job's end is a reuse describe).
 */
const PURPOSES: ReadonlyArray<readonly [operation: string, caller: RegExp, purpose: string]> = [
  [
    'DescribeTrainingJob',
    /settlePresumption/,
    "a pool presumed taken at a warm start that the reconcile's listing did not tell in full",
  ],
  [
    'DescribeTrainingJob',
    /detectReuse/,
    'a warm start that could not presume its pool: the pool it took (candidates of its key, soonest-expiring first)',
  ],
  ['DescribeTrainingJob', /carryOut/, 'an update SageMaker refused: what became of the pool'],
  [
    'DescribeTrainingJob',
    /settlePendingAction|finishPendingAction/,
    'an action whose outcome was not recorded',
  ],
  [
    'DescribeTrainingJob',
    /adoptIfEnded/,
    'a running job no listing tells about (end watch, a broken chain of reconciles)',
  ],
  ['DescribeTrainingJob', /adoptJob/, 'adopting an end the events did not tell'],
  ['DescribeTrainingJob', /\bingest@/, "a job's end event (the event carries no WarmPoolStatus)"],
  [
    'DescribeTrainingJob',
    /handlePool/,
    "the sweep: a pool past its predicted end (after the event handler's stop, as a rule; the sweep's own accepted stops need no look)",
  ],
  ['ListTrainingJobs', /planSooner/, 'listing sooner while end events run late'],
  ['ListTrainingJobs', /planReconcile/, 'the reconcile: the jobs of the recent window, once a period'],
  ['UpdateTrainingJob', /carryOut/, "the policy's extends and stops"],
  ['ListTags', /./, 'adopting a job the ledger never heard of: its tags'],
];
/** The trace's first submission: the 28-day listing reaches back weeks before it, any other listing hours. */
const traceStartMs = Math.min(...trace.map((job) => job.submitAtMs));
const reachesBackWeeks = (input: Readonly<Record<string, unknown>>): boolean => {
  const after = input.LastModifiedTimeAfter;
  return after instanceof Date && after.getTime() < traceStartMs - 86_400_000;
};
const purposeOf = (operation: string, stack: string, input: Readonly<Record<string, unknown>>): string => {
  // Its pages after the first are asked from the paginator's loop: how far back it reaches tells
  // this listing (it is asked without WarmPoolStatusEquals, which saves no call: see the adapter).
  if (operation === 'ListTrainingJobs' && reachesBackWeeks(input))
    return `${operation}\tthe 28-day listing of Available pools (weekly, at the first reconcile and at the local run's last): a page per 100 jobs`;
  const chain = callerChain(stack, { depth: 8, lines: false });
  const found = PURPOSES.find(([op, caller]) => op === operation && caller.test(chain));
  return `${operation}\t${found?.[2] ?? chain}`;
};
const callers = countRequests('SageMaker', purposeOf);

const rows: string[][] = [];
let calmIdle = Number.NaN;
let calmPollingCalls = Number.NaN;
let calmUpdates = Number.NaN;
for (const scenario of scenarios) {
  const started = performance.now();
  const env = {
    ...scenario.env,
    ...(scenario.reconcileMinutes !== undefined
      ? {
          POOLWARDEN_RECONCILE_MINUTES: String(scenario.reconcileMinutes),
          POOLWARDEN_RECONCILE_MAX_MINUTES: String(scenario.reconcileMinutes),
        }
      : {}),
    ...(scenario.longestMinutes !== undefined
      ? { POOLWARDEN_RECONCILE_MAX_MINUTES: String(scenario.longestMinutes) }
      : {}),
  };
  Object.assign(process.env, env);
  const { report, catchUpSeconds } = await runLocal({
    trace,
    policy,
    ...scenario.options,
    onReady: () => {
      callers.counting = scenario.label === 'calm';
    },
  }).finally(() => {
    callers.counting = false;
    for (const name of Object.keys(env)) delete process.env[name];
  });
  const jobs = report.summary.jobs;
  const sageMaker = sum(report.api.sagemaker);
  const dynamo = sum(report.api.dynamodb);
  const pollingCalls = report.summary.idleBillableSeconds / 60;
  if (scenario.label === 'calm') {
    calmIdle = report.summary.idleCostUsd;
    calmPollingCalls = pollingCalls;
    calmUpdates = report.api.sagemaker.UpdateTrainingJob ?? 0;
  }
  const applied = report.actions.filter((a) => a.outcome === 'applied').length;
  rows.push([
    scenario.label,
    `$${fixed(report.summary.idleCostUsd, 2)}`,
    `${fixed((report.summary.idleCostUsd / calmIdle - 1) * 100, 1)} %`,
    String(report.check.ledgerMatchesEmulator),
    fixed(sageMaker / jobs, 2),
    `${report.api.sagemaker.ListTrainingJobs ?? 0}`,
    `${report.api.sagemaker.DescribeTrainingJob ?? 0}`,
    `${report.api.sagemaker.UpdateTrainingJob ?? 0}`,
    fixed(calmPollingCalls / sageMaker, 2),
    fixed((calmPollingCalls + calmUpdates) / sageMaker, 2),
    fixed(dynamo / jobs, 1),
    `${applied}`,
    `${report.delivery.dropped}/${report.delivery.crashed}/${report.delivery.throttled}`,
    thousands(Math.round(catchUpSeconds)),
    fixed((performance.now() - started) / 1000, 0),
  ]);
  console.error(`${scenario.label}: done`);
}

/** List calls of one full and one changed-jobs listing, with `history` jobs spread over the window. */
const listCalls = (history: number) => {
  const windowMs = reconcileWindowMs(DEFAULT_KEEP_ALIVE_LIMITS);
  const start = Date.parse('2026-01-05T00:00:00Z');
  const clock = new VirtualClock(start);
  const model = new WarmPoolModel({ clock });
  const api = new SageMakerApi(model);
  const stepMs = Math.floor(windowMs / history);
  for (let i = 0; i < history; i++) {
    clock.advanceTo(start + i * stepMs);
    model.advanceTo(clock.now());
    model.submit({
      name: `h-${i}`,
      durationSeconds: 60,
      outcome: 'Completed',
      roleArn: 'arn:aws:iam::123456789012:role/training',
      instanceType: 'ml.g5.xlarge',
      instanceCount: 1,
      volumeSizeInGB: 50,
      // One job near the end keeps a pool: the one Available pool the listing must find.
      keepAliveSeconds: i === history - 1 ? 3600 : 0,
    });
  }
  clock.advanceTo(clock.now() + 10 * 60_000);
  model.advanceTo(clock.now());
  type Summary = { WarmPoolStatus?: { Status?: string } };
  const count = (filter: Record<string, unknown>, keep: (job: Summary) => boolean = () => true) => {
    let token: string | undefined;
    let calls = 0;
    let found = 0;
    do {
      const page = api.handle('ListTrainingJobs', {
        ...filter,
        MaxResults: 100,
        ...(token ? { NextToken: token } : {}),
      }) as { TrainingJobSummaries: Summary[]; NextToken?: string };
      calls++;
      found += page.TrainingJobSummaries.filter(keep).length;
      token = page.NextToken;
    } while (token);
    return { calls, found };
  };
  const nowS = clock.now() / 1000;
  // As the adapter asks it: unfiltered (SageMaker pages before it filters), the Available pools kept.
  const full = count(
    { LastModifiedTimeAfter: nowS - windowMs / 1000 },
    (job) => job.WarmPoolStatus?.Status === 'Available',
  );
  const recentMs = recentPoolsWindowMs(DEFAULT_KEEP_ALIVE_LIMITS, 15 * 60_000);
  const recent = count({ LastModifiedTimeAfter: nowS - recentMs / 1000 });
  return { history, full, recent };
};
/**
 * A ListTrainingJobs page's time and the sweep's invocation as modelled: half of it, less the
 * default 13 s safety margin, for the full listing.
 */
const PAGE_SECONDS = 0.25;
const INVOCATION_SECONDS = 58;
const PAGES_PER_PART = Math.floor((INVOCATION_SECONDS - 13) / 2 / PAGE_SECONDS);
const listRows = [1_000, 10_000, 100_000].map((n) => {
  const r = listCalls(n);
  console.error(`history ${n}: done`);
  return [
    thousands(r.history),
    thousands(r.full.calls),
    String(Math.ceil(r.full.calls / PAGES_PER_PART)),
    `${r.full.found}`,
    thousands(r.recent.calls),
  ];
});

callers.restore();
const callerRows = [...callers.counts.entries()]
  .sort((a, b) => b[1] - a[1])
  .map(([key, calls]) => {
    const [operation = '', purpose = ''] = key.split('\t');
    return [purpose, operation, thousands(calls), fixed(calls / trace.length, 2)];
  });

const section = [
  '## Reconciliation (`npm run bench:reconcile`)',
  '',
  `Bundled team week (${trace.length} jobs), example policy, the reconcile period adapting from 15 min up to 60, and on up to 240 while no running job's pool would idle $25 over the period, unless said (README, event handling rule 7: each reconcile that finds nothing the events missed doubles it, any that does brings 15 back; a dear job started during a stretch past 60 brings 60 back within the hour; "fixed": the longest set to the base; each lists the jobs of the recent ${fixed(recentPoolsWindowMs(DEFAULT_KEEP_ALIVE_LIMITS, 15 * 60_000) / 3_600_000, 2)} h with their warm pool status), full 28-day listing every 168 h (weekly). The sweep records the end of a stop SageMaker accepted from it from that answer, not a describe (README, event handling rule 7). Polling baseline: one DescribeTrainingJob per Available pool-minute of the calm run (${thousands(calmPollingCalls)}), list calls not counted; the target is 3× fewer calls than that. "Polling + its updates" also counts the UpdateTrainingJob calls of the calm run (${thousands(calmUpdates)}), which a polling system would make too; it is shown, not the target. The end watch (README, event handling rule 7) is off by default; where said it is on and describes running jobs whose pools cost at least $50/h idle around their learnt end, at most 30 describes a job unless said. While the end events run late (a listing shows an end the ledger does not hold, or an end a listing adopted had its event arrive more than the 60 s grace after it: README, event handling rule 7) every sweep also lists what changed since the previous listing, a page each, and then, within its invocation, again every 10 s from the scheduled instant, each listing only while its 13 s safety margin is left of the invocation and of the time until 5 s before the next scheduled minute (catch-up listings, \`POOLWARDEN_CATCH_UP_SECONDS\`: at 10, 20, 30 and 40 s), adopting the ends it finds (an end younger than 20 s whose pool costs less than $10 an hour idle is left to its event until then); all counted under ListTrainingJobs; calm runs never do. "Catch-up: Lambda s" is the virtual time the sweeps spent within their invocations waiting for the catch-up listings: what catching up adds to the sweep's billed duration (256 MB, arm64). With catch-up listings off a pool the calm run stops the instant its event arrives idles until the next sweep, about half a minute, and the ml.p4d.24xlarge pools cost $2.51 a minute idle; with it, a few seconds (3 to 9 s for the eleven such pools under --chaos). A reconcile every minute finds each end within the 60 s grace, but an end it adopts still counts late when its event came after the grace, so it catches up as the others do.`,
  '',
  table(
    [
      'run',
      'idle cost',
      'vs calm',
      'ledger = emulator',
      'SageMaker calls / job',
      'ListTrainingJobs',
      'DescribeTrainingJob',
      'UpdateTrainingJob',
      '× fewer than polling',
      '× fewer than polling + its updates',
      'DynamoDB requests / job',
      'actions applied',
      'dropped/crashed/throttled',
      'catch-up: Lambda s',
      'wall s',
    ],
    rows,
  ),
  '',
  "What the calm run's SageMaker calls are for (counted at the SDK client by the functions that made them; `node bin/run-ts.js bench/sageMakerCallers.ts [calm|chaos|faults]` lists them by caller):",
  '',
  table(['for', 'operation', 'calls', 'per job'], callerRows),
  '',
  `ListTrainingJobs calls of one reconcile as the history grows (jobs spread over the 28-day window, 100 a page, one Available pool). The full listing pages at most half of the sweep's time left (README, event handling rule 7) and goes on at the next reconcile from where it stopped: at ${PAGE_SECONDS} s a page and ${INVOCATION_SECONDS} s of invocation that is about ${PAGES_PER_PART} pages a reconcile, so the reconciles it spans are computed from its calls (\`node bin/run-ts.js bench/fullListing.ts\` measures them with the sweep, and a lost end adopted meanwhile):`,
  '',
  table(
    [
      'jobs in the window',
      'full 28-day listing: calls',
      'reconciles it spans',
      'pools found',
      'every reconcile (recent window): calls',
    ],
    listRows,
  ),
  '',
].join('\n');
console.log(section);
const results = await readFile('bench/results.md', 'utf8').catch(() => '');
const marker = '## Reconciliation (`npm run bench:reconcile`)';
const before = results.includes(marker)
  ? results.slice(0, results.indexOf(marker))
  : `${results.trimEnd()}\n\n`;
await writeFile('bench/results.md', `${before}${section}`);
