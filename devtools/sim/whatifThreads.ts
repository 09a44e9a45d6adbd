import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { serialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { parseTrace } from '../../lib/trace/parseTrace';
import type { TraceJob } from '../../lib/trace/traceJob';
import { type SimPolicy, type SimResult, simulate } from './keepAliveSim';
import { simJobColumns } from './simJobColumns';
import type { SimJob } from './simJobs';
import {
  runWhatif,
  type WhatifOptions,
  type WhatifPolicy,
  type WhatifReport,
  whatifReport,
  whatifRuns,
  whatifSimOptions,
} from './whatif';
import type { WhatifAnswer, WhatifParse, WhatifParsed, WhatifSetup, WhatifTask } from './whatifWorker';

/**
 * The whatif table with its rows computed on several threads at once: this one and worker threads.
 * Each row is its own deterministic simulation over the same jobs, so the table is the one
 * `runWhatif` gives, row for row; only the time differs. The rows whose policy learns
 * (evaluatePool at every sweep minute) take nearly all of it, so they go first, each to the next
 * free thread.
 */
export interface ThreadOptions {
  /**
   * How many threads, this one included; 1 or fewer: the rows run in this thread. Default: one
   * per learned row, up to twice the machine's cores. Three learned rows of alike length on two
   * cores end sooner on three threads sharing them than on two (where one thread would run two
   * rows).
   */
  readonly threads?: number;
}

/** Whether a row replays the policy step (slow) or a fixed rule or the oracle (fast). */
const learns = (policy: SimPolicy): boolean => policy.kind === 'sweep' || policy.kind === 'advice';

/**
 * The worker's file: beside this module as TypeScript (run from source: started through the
 * repository's TypeScript runner), or the CLI bundle's own entry (esbuild puts this module in a
 * chunk one folder below it).
 */
const workerScript = (): { readonly url: URL; readonly argv: readonly string[] } => {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    return {
      url: new URL('../../bin/run-ts.js', here),
      argv: [fileURLToPath(new URL('./whatifWorker.ts', here))],
    };
  }
  const candidates = [new URL('./whatifWorker.js', here), new URL('../whatifWorker.js', here)];
  const found = candidates.find((url) => existsSync(fileURLToPath(url)));
  if (!found) throw new Error(`whatif: the worker script is missing beside ${fileURLToPath(here)}`);
  return { url: found, argv: [] };
};

/**
 * Posts `message` to `worker` and settles with its answer: `answerOf` reads each message the
 * worker sends (undefined: not this request's answer). A worker that fails or exits first
 * settles it through `failed`.
 */
const ask = <T>(
  worker: Worker,
  message: WhatifTask | WhatifParse,
  answerOf: (
    answer: WhatifAnswer | WhatifParsed,
  ) => { readonly value: T } | { readonly error: Error } | undefined,
  failed: (error: Error) => { readonly value: T } | { readonly error: Error },
): Promise<T> =>
  new Promise((resolve, reject) => {
    const settle = (outcome: { readonly value: T } | { readonly error: Error }) => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.value);
    };
    const onMessage = (answer: WhatifAnswer | WhatifParsed) => {
      const outcome = answerOf(answer);
      if (outcome) settle(outcome);
    };
    const onError = (error: Error) => settle(failed(error));
    const onExit = (code: number) => settle(failed(new Error(`whatif worker exited with code ${code}`)));
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(message);
  });

/** Runs one row on a worker and waits for its answer. */
const runOn = (worker: Worker, task: WhatifTask): Promise<SimResult> =>
  ask<SimResult>(
    worker,
    task,
    (answer) => {
      if (!('index' in answer) || answer.index !== task.index) return undefined;
      return answer.result
        ? { value: answer.result }
        : { error: new Error(`whatif worker: ${answer.error ?? 'no result'}`) };
    },
    (error) => ({ error }),
  );

/** Parses `text` on a worker; nothing parsed if it could not. */
const parseOn = (worker: Worker, text: string): Promise<WhatifParsed> =>
  ask<WhatifParsed>(
    worker,
    { kind: 'parse', text } satisfies WhatifParse,
    (answer) => ('index' in answer ? undefined : { value: answer }),
    () => ({ value: {} }),
  );

/** How many threads the table's rows would use: one per learned row, up to the given count. */
export const whatifThreadCount = (
  policies: readonly WhatifPolicy[],
  options: WhatifOptions,
  threadOptions: ThreadOptions = {},
): number => {
  const slow = whatifRuns(policies, options).filter((run) => learns(run.policy)).length;
  return Math.min(threadOptions.threads ?? 2 * availableParallelism(), Math.max(slow, 1));
};

/**
 * Worker threads for the table's rows, started before the jobs are known: each loads its code
 * while this thread still reads and prepares the trace. The jobs are then serialised once (as
 * columns: simJobColumns.ts) and shared by every worker (each deserialises its own copy), not
 * cloned once per worker. This
 * thread runs rows too, once it has handed the workers theirs: it has the jobs already, and a
 * worker fewer is one V8 instance fewer to start, to load the code into and to optimise it in
 * (about half a second of CPU each for the 10,000-job table).
 */
export class WhatifWorkers {
  private readonly workers: Worker[];

  /** `threads`: this one included (so threads - 1 workers). */
  constructor(threads: number) {
    const script = workerScript();
    this.workers = Array.from(
      { length: Math.max(0, threads - 1) },
      () => new Worker(script.url, { argv: [...script.argv] }),
    );
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * The trace's jobs as parseTrace gives them, its text parsed in two halves at once (this
   * thread and the first worker, which would otherwise wait for the jobs): a tenth of the
   * 10,000-job table's time was this thread parsing alone. Undefined when the halves cannot tell
   * (an error in either, a name in both, no worker): the caller parses the whole text, and so
   * reports exactly what it would have.
   */
  async parseInTwo(text: string): Promise<readonly TraceJob[] | undefined> {
    const worker = this.workers[0];
    const cut = text.indexOf('\n', text.length >> 1);
    if (!worker || cut < 0) return undefined;
    const rest = text.slice(cut + 1);
    // parseTrace drops a byte-order mark at the start of the text only.
    if (rest.startsWith('\uFEFF')) return undefined;
    const second = parseOn(worker, rest);
    const first = parseTrace(text.slice(0, cut + 1));
    const other = (await second).parsed;
    if (!first.ok || !other?.ok) return undefined;
    // A job name used in both halves: the whole parse says where (parseTrace's check).
    const names = new Set(first.jobs.map((job) => job.name));
    if (other.jobs.some((job) => names.has(job.name))) return undefined;
    // Each half in submission order, file order on ties: sorted together (stably), the whole's.
    return [...first.jobs, ...other.jobs].sort((a, b) => a.submitAtMs - b.submitAtMs);
  }

  async run(
    jobs: readonly SimJob[],
    policies: readonly WhatifPolicy[],
    options: WhatifOptions,
    started = performance.now(),
  ): Promise<WhatifReport> {
    const runs = whatifRuns(policies, options);
    const queue = runs.map((run, index) => ({ run, index }));
    queue.sort((a, b) => Number(learns(b.run.policy)) - Number(learns(a.run.policy)) || a.index - b.index);
    const serialised = serialize(simJobColumns(jobs));
    const shared = new Uint8Array(new SharedArrayBuffer(serialised.byteLength));
    shared.set(serialised);
    const setup: WhatifSetup = { kind: 'setup', jobs: shared, sim: whatifSimOptions(options) };
    for (const worker of this.workers) worker.postMessage(setup);
    const results: SimResult[] = new Array(runs.length);
    // Each worker takes its first row now (handed over before the first await), the slow rows
    // first; the first worker, which parsed half the trace, last. This thread then runs rows from
    // the other end of the queue, the fast ones first, until none is left, and the workers take
    // the next from the front as they answer. Run last, the fast rows waited for this thread's
    // slow row to end before a worker that had finished its own could take them (the workers'
    // answers are read between this thread's rows): the table took that much longer.
    const onWorkers = Promise.all(
      [...this.workers].reverse().map(async (worker) => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          results[next.index] = await runOn(worker, {
            kind: 'row',
            index: next.index,
            policy: next.run.policy,
          });
        }
      }),
    );
    const sim = whatifSimOptions(options);
    for (let next = queue.pop(); next; next = queue.pop()) {
      results[next.index] = simulate(jobs, next.run.policy, sim);
      // A row runs without yielding: let the workers that finished meanwhile take the next rows
      // before this thread takes another.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await onWorkers;
    return whatifReport(
      jobs,
      runs.map((run, index) => ({ ...run, result: results[index] as SimResult })),
      options,
      (performance.now() - started) / 1000,
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

export const runWhatifInThreads = async (
  jobs: readonly SimJob[],
  policies: readonly WhatifPolicy[],
  options: WhatifOptions,
  threadOptions: ThreadOptions = {},
): Promise<WhatifReport> => {
  const started = performance.now();
  const threads = whatifThreadCount(policies, options, threadOptions);
  if (threads <= 1) return runWhatif(jobs, policies, options);
  const workers = new WhatifWorkers(threads);
  try {
    return await workers.run(jobs, policies, options, started);
  } finally {
    await workers.close();
  }
};
