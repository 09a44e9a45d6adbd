import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { type LocalRunOptions, runLocal } from '../devtools/local/runLocal';
import { submissionOf } from '../devtools/local/runtime/traceSubmission';
import { VirtualClock } from '../devtools/local/runtime/virtualClock';
import { SageMakerApi } from '../devtools/local/sagemaker/sageMakerApi';
import { WarmPoolModel } from '../devtools/local/sagemaker/warmPoolModel';
import { generateTrace } from '../devtools/local/trace/generateTrace';
import type { TraceJob } from '../lib/trace/traceJob';
import { fixed, type Section, table, thousands } from './format';

/**
 * Sections 2 and 5: poolwarden's running cost per training job (DynamoDB requests and consumed
 * capacity, SageMaker calls), measured on the local stack (runLocal: the real functions and SDK
 * clients against dynalite and the SageMaker emulator over HTTP), against a polling design run
 * on the same emulator; and the local stack's replay speed.
 *
 * Counting: every AWS SDK v3 client call goes through `Client.prototype.send` of
 * @smithy/core/client; a wrapper counts calls per service and command and, for DynamoDB, asks
 * for ReturnConsumedCapacity: TOTAL and sums what dynalite answers. The adapters themselves do
 * not ask for it, so production pays the same without seeing it.
 */

interface SendCounts {
  readonly calls: Map<string, number>;
  readonly capacity: { read: number; write: number; total: number };
  readonly ms: Map<string, number>;
}

const newCounts = (): SendCounts => ({
  calls: new Map(),
  capacity: { read: 0, write: 0, total: 0 },
  ms: new Map(),
});

type Capacity = { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };

const READS = /^(Get|BatchGet|Query|Scan)/;

const instrument = (counts: { current: SendCounts }) => {
  const require = createRequire(import.meta.url);
  const { Client } = require('@smithy/core/client') as {
    Client: { prototype: { send: (...args: unknown[]) => Promise<unknown> } };
  };
  const original = Client.prototype.send;
  Client.prototype.send = async function (this: { config?: { serviceId?: string } }, ...args: unknown[]) {
    const command = args[0] as { constructor: { name: string }; input?: Record<string, unknown> };
    const service = this.config?.serviceId ?? 'unknown';
    const name = `${service}:${command.constructor.name.replace(/Command$/, '')}`;
    // poolwarden never scans: the one Scan is the local report reading the ledger back.
    if (name === 'DynamoDB:Scan') return original.apply(this, args);
    const c = counts.current;
    c.calls.set(name, (c.calls.get(name) ?? 0) + 1);
    if (service === 'DynamoDB' && command.input && !command.input.ReturnConsumedCapacity) {
      command.input.ReturnConsumedCapacity = 'TOTAL';
    }
    const started = performance.now();
    const output = (await original.apply(this, args)) as { ConsumedCapacity?: Capacity | Capacity[] };
    c.ms.set(service, (c.ms.get(service) ?? 0) + performance.now() - started);
    if (service === 'DynamoDB' && output?.ConsumedCapacity) {
      const list = Array.isArray(output.ConsumedCapacity)
        ? output.ConsumedCapacity
        : [output.ConsumedCapacity];
      for (const cap of list) {
        const units = cap.CapacityUnits ?? 0;
        c.capacity.total += units;
        if (READS.test(command.constructor.name)) c.capacity.read += units;
        else c.capacity.write += units;
      }
    }
    return output;
  };
  return () => {
    Client.prototype.send = original;
  };
};

const sum = (counts: SendCounts, prefix: string) =>
  [...counts.calls.entries()].filter(([k]) => k.startsWith(prefix)).reduce((a, [, v]) => a + v, 0);

export interface LocalRun {
  readonly jobs: number;
  readonly days: number;
  readonly wallSeconds: number;
  readonly loopSeconds: number;
  readonly counts: SendCounts;
  readonly sweeps: number;
}

/** A trace of about `targetJobs` jobs: the mixed workload, as many days as it takes. */
export const traceOf = (days: number, teams: number): TraceJob[] =>
  generateTrace({ seed: 7, start: '2026-01-05T00:00:00Z', days, teams, workload: 'mixed' });

/**
 * A counted local run. The running cost counts the sweeps as deployed (next-event time: its wakes
 * and the 15-minute backstop), as the speed runs do, or with the memory ledger.
 */
export const runLocalCounted = async (
  trace: readonly TraceJob[],
  days: number,
  options: Pick<LocalRunOptions, 'sweepTiming' | 'ledger' | 'policy'> = { sweepTiming: 'next-event' },
): Promise<LocalRun> => {
  const holder = { current: newCounts() };
  const restore = instrument(holder);
  let readyAt = 0;
  try {
    const started = performance.now();
    const result = await runLocal({
      trace,
      ...options,
      onReady: () => {
        holder.current = newCounts();
        readyAt = performance.now();
      },
    });
    return {
      jobs: trace.length,
      days,
      wallSeconds: (performance.now() - started) / 1000,
      loopSeconds: (performance.now() - readyAt) / 1000,
      counts: holder.current,
      sweeps: result.report.delivery.sweeps,
    };
  } finally {
    restore();
  }
};

export interface PollingRun {
  readonly jobs: number;
  readonly minutes: number;
  readonly list: number;
  readonly describe: number;
}

/**
 * The polling design: every minute, ListTrainingJobs over all jobs (100 a page) and
 * DescribeTrainingJob on each, from the first submission until the last pool has ended. Run on
 * the emulator's model in process (the same operations and counters the HTTP server uses).
 */
export const runPolling = (trace: readonly TraceJob[]): PollingRun => {
  const sorted = [...trace].sort((a, b) => a.submitAtMs - b.submitAtMs);
  const first = sorted[0]?.submitAtMs ?? 0;
  const clock = new VirtualClock(Math.floor(first / 60_000) * 60_000);
  const model = new WarmPoolModel({ clock, quotas: { 'ml.p5.48xlarge': 0 } });
  const api = new SageMakerApi(model);
  let next = 0;
  let minutes = 0;
  for (let at = clock.now(); next < sorted.length || model.nextDueAt() !== undefined; at += 60_000) {
    clock.advanceTo(at);
    model.advanceTo(at);
    while (sorted[next] && (sorted[next]?.submitAtMs ?? 0) <= at) {
      const job = sorted[next++];
      if (job) model.submit(submissionOf(job));
    }
    minutes++;
    let token: string | undefined;
    const names: string[] = [];
    do {
      const page = api.handle('ListTrainingJobs', {
        MaxResults: 100,
        ...(token ? { NextToken: token } : {}),
      }) as {
        TrainingJobSummaries?: { TrainingJobName: string }[];
        NextToken?: string;
      };
      for (const s of page.TrainingJobSummaries ?? []) names.push(s.TrainingJobName);
      token = page.NextToken;
    } while (token);
    for (const name of names) api.handle('DescribeTrainingJob', { TrainingJobName: name });
  }
  const counts = api.callCounts();
  return {
    jobs: sorted.length,
    minutes,
    list: counts.ListTrainingJobs?.calls ?? 0,
    describe: counts.DescribeTrainingJob?.calls ?? 0,
  };
};

export const runningCostSection = (
  run: LocalRun,
  polling: PollingRun,
): { section: Section; ratio: number } => {
  const per = (n: number) => fixed(n / run.jobs, 2);
  const c = run.counts;
  const sageMaker = sum(c, 'SageMaker:');
  const dynamo = sum(c, 'DynamoDB:');
  const pollingCalls = polling.list + polling.describe;
  const ratio = pollingCalls / polling.jobs / Math.max(1e-9, sageMaker / run.jobs);
  const byCommand = [...c.calls.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => [name, thousands(n), per(n)]);
  const body = [
    `Trace: mixed workload, ${run.days} days, ${thousands(run.jobs)} jobs; poolwarden swept ${thousands(run.sweeps)} times (at its wakes and the 15-minute backstop, as deployed).`,
    '',
    table(
      [
        'design',
        'SageMaker calls',
        'per job',
        'DynamoDB requests',
        'per job',
        'RCU',
        'WCU',
        'RCU+WCU per job',
      ],
      [
        [
          'poolwarden (events + sweep)',
          thousands(sageMaker),
          per(sageMaker),
          thousands(dynamo),
          per(dynamo),
          fixed(c.capacity.read, 1),
          fixed(c.capacity.write, 1),
          per(c.capacity.total),
        ],
        [
          'polling every minute (List + Describe all)',
          thousands(pollingCalls),
          fixed(pollingCalls / polling.jobs, 1),
          '0',
          '0',
          '–',
          '–',
          '–',
        ],
      ],
    ),
    '',
    `Polling ran ${thousands(polling.minutes)} minutes: ${thousands(polling.list)} ListTrainingJobs pages and ${thousands(polling.describe)} DescribeTrainingJob calls. poolwarden makes ${fixed(ratio, 0)}× fewer SageMaker calls per job.`,
    '',
    'poolwarden calls by command:',
    '',
    table(['service:command', 'calls', 'per job'], byCommand),
  ].join('\n');
  return { section: { title: 'running cost', body }, ratio };
};

export const localSpeedRow = (run: LocalRun) => {
  const c = run.counts;
  const calls = [...c.calls.values()].reduce((a, b) => a + b, 0);
  const sdkMs = [...c.ms.values()].reduce((a, b) => a + b, 0);
  return {
    jobs: run.jobs,
    wallSeconds: run.wallSeconds,
    jobsPerSecond: run.jobs / run.loopSeconds,
    calls,
    msPerCall: sdkMs / Math.max(1, calls),
    sdkShare: sdkMs / 1000 / run.loopSeconds,
    sweeps: run.sweeps,
  };
};

/** The aim of issue 12: DynamoDB requests per training job on the bundled week. */
export const DYNAMO_PER_JOB_AIM = 20;

/**
 * DynamoDB requests per job on one trace, as `npm start` runs it and as deployed (next-event
 * time: the sweep's wakes and backstop), and with a sweep every minute, as the former deployment
 * ran it: each of those minutes costs at least a read of the Available pools.
 */
export const dynamoPerJobSection = (label: string, nextEvent: LocalRun, everyMinute: LocalRun): Section => {
  const dynamo = (run: LocalRun) => sum(run.counts, 'DynamoDB:');
  const row = (timing: string, run: LocalRun) => {
    const perJob = dynamo(run) / run.jobs;
    return [
      timing,
      thousands(run.sweeps),
      thousands(dynamo(run)),
      fixed(perJob, 1),
      `≤ ${DYNAMO_PER_JOB_AIM}`,
      perJob <= DYNAMO_PER_JOB_AIM ? 'met' : `NOT met (${fixed(perJob / DYNAMO_PER_JOB_AIM, 1)}×)`,
    ];
  };
  const byCommand = [...nextEvent.counts.calls.entries()]
    .filter(([name]) => name.startsWith('DynamoDB:'))
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => [
      name.replace('DynamoDB:', ''),
      thousands(n),
      fixed(n / nextEvent.jobs, 1),
      thousands(everyMinute.counts.calls.get(name) ?? 0),
      fixed((everyMinute.counts.calls.get(name) ?? 0) / everyMinute.jobs, 1),
    ]);
  const body = [
    `${label}: ${thousands(nextEvent.jobs)} jobs, the example policy, dynalite.`,
    '',
    table(
      ['timing', 'sweeps run', 'DynamoDB requests', 'per job', 'aim', 'result'],
      [
        row('next-event (npm start, as deployed)', nextEvent),
        row('every minute (the former deployment)', everyMinute),
      ],
    ),
    '',
    table(['operation', 'next-event', 'per job', 'every minute', 'per job'], byCommand),
  ].join('\n');
  return { title: 'DynamoDB requests per job', body };
};
