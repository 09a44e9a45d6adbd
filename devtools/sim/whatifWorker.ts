import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../lib/domain/errorMessage';
import { type SimOptions, type SimPolicy, simulate } from './keepAliveSim';
import type { SimJob } from './simJobs';

/**
 * A worker thread of whatifThreads.ts: given the jobs and the simulation's options once, it runs
 * one row of the whatif table per message and answers with its result (or what went wrong).
 */
export interface WhatifWorkerData {
  readonly jobs: readonly SimJob[];
  readonly sim: Partial<SimOptions>;
}

export interface WhatifTask {
  readonly index: number;
  readonly policy: SimPolicy;
}

const { jobs, sim } = workerData as WhatifWorkerData;
const port = parentPort;
port?.on('message', (task: WhatifTask) => {
  try {
    port.postMessage({ index: task.index, result: simulate(jobs, task.policy, sim) });
  } catch (error) {
    port.postMessage({ index: task.index, error: errorMessage(error) });
  }
});
