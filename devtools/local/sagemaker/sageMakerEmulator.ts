import type { SubmitRequest } from './emulatedJob';
import type { EmulatorOptions } from './emulatorOptions';
import type { JobInspection } from './inspection';
import type { TrainingJobStateChangeEvent } from './jobStateEvent';
import { type CallCount, SageMakerApi } from './sageMakerApi';
import type { SageMakerWireAnswer, SageMakerWireRequest } from './sageMakerProtocol';
import { SageMakerServer, type ServerOptions } from './sageMakerServer';
import { WarmPoolModel } from './warmPoolModel';

export interface SageMakerEmulatorOptions extends EmulatorOptions, ServerOptions {}

/**
 * The local SageMaker: one model of jobs and warm pools, served over loopback HTTP to the real
 * SDK and driven directly by the local-stack runner. The runner owns the clock and the pace:
 * it submits trace jobs, advances virtual time, and receives the state-change events.
 */
export class SageMakerEmulator {
  readonly model: WarmPoolModel;
  readonly api: SageMakerApi;
  private readonly server: SageMakerServer;

  constructor(options: SageMakerEmulatorOptions) {
    this.model = new WarmPoolModel(options);
    this.api = new SageMakerApi(this.model, options.throttle);
    this.server = new SageMakerServer(this.api, {
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
    });
  }

  /** Starts the HTTP server; resolves with the endpoint (e.g. for AWS_ENDPOINT_URL_SAGEMAKER). */
  start(): Promise<string> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  get endpoint(): string {
    return this.server.endpoint;
  }

  /** Answers one request in process, as the HTTP endpoint would (the local stack's fast path). */
  answer(request: SageMakerWireRequest): SageMakerWireAnswer {
    return this.server.answer(request);
  }

  submit(request: SubmitRequest): JobInspection {
    return this.model.submit(request);
  }

  nextDueAt(): number | undefined {
    return this.model.nextDueAt();
  }

  advanceTo(ms: number): number {
    return this.model.advanceTo(ms);
  }

  subscribe(listener: (event: TrainingJobStateChangeEvent) => void): () => void {
    return this.model.subscribe(listener);
  }

  callCounts(): Record<string, CallCount> {
    return this.api.callCounts();
  }
}
