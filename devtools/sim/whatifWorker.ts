import { deserialize } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../../lib/domain/errorMessage';
import type { TraceParseResult } from '../../lib/trace/parseTrace';
import { type SimOptions, type SimPolicy, type SimResult, simulate } from './keepAliveSim';
import { type SimJobColumns, simJobsOfColumns } from './simJobColumns';
import type { SimJob } from './simJobs';

/**
 * A worker thread of whatifThreads.ts: given the jobs (serialised once for every worker) and the
 * simulation's options in a first message, it runs one row of the whatif table per message after
 * it and answers with its result (or what went wrong).
 */
export interface WhatifSetup {
  readonly kind: 'setup';
  /** v8.serialize of the jobs as columns (simJobColumns.ts), in memory shared by the workers. */
  readonly jobs: Uint8Array;
  readonly sim: Partial<SimOptions>;
}

export interface WhatifTask {
  readonly kind: 'row';
  readonly index: number;
  readonly policy: SimPolicy;
}

export interface WhatifAnswer {
  readonly index: number;
  readonly result?: SimResult;
  readonly error?: string;
}

/** Half a trace's text to parse while the calling thread parses the other half. */
export interface WhatifParse {
  readonly kind: 'parse';
  readonly text: string;
}

export interface WhatifParsed {
  readonly parsed?: TraceParseResult;
}

let setup: { readonly jobs: readonly SimJob[]; readonly sim: Partial<SimOptions> } | undefined;
const port = parentPort;
port?.on('message', (message: WhatifSetup | WhatifTask | WhatifParse) => {
  if (message.kind === 'parse') {
    // Loaded only by the worker asked to parse: the others need no schema.
    import('../../lib/trace/parseTrace')
      .then(({ parseTrace }) => parseTrace(message.text))
      .then(
        (parsed) => port.postMessage({ parsed } satisfies WhatifParsed),
        () => port.postMessage({} satisfies WhatifParsed),
      );
    return;
  }
  if (message.kind === 'setup') {
    setup = { jobs: simJobsOfColumns(deserialize(message.jobs) as SimJobColumns), sim: message.sim };
    return;
  }
  const answer = (a: WhatifAnswer) => port.postMessage(a);
  try {
    if (!setup) throw new Error('a row came before the jobs');
    answer({ index: message.index, result: simulate(setup.jobs, message.policy, setup.sim) });
  } catch (error) {
    answer({ index: message.index, error: errorMessage(error) });
  }
});
