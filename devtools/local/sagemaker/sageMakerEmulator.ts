import { type JobLocation, locationLabel, sameLocation } from '../../../lib/domain/jobLocation';
import type { SubmitRequest } from './emulatedJob';
import { type EmulatorOptions, resolveOptions } from './emulatorOptions';
import type { JobInspection, PoolInspection } from './inspection';
import type { TrainingJobStateChangeEvent } from './jobStateEvent';
import { requestOrigin } from './requestOrigin';
import { type CallCount, SageMakerApi } from './sageMakerApi';
import type { SageMakerWireAnswer, SageMakerWireRequest } from './sageMakerProtocol';
import { SageMakerServer, type ServerOptions } from './sageMakerServer';
import { WarmPoolModel } from './warmPoolModel';

export interface SageMakerEmulatorOptions extends EmulatorOptions, ServerOptions {}

/** One account and region's SageMaker: its own jobs, pools, quotas and ARNs. */
interface Place {
  readonly location: JobLocation;
  readonly model: WarmPoolModel;
  readonly api: SageMakerApi;
}

/** What the emulator holds in one account and region, for the runner's report and tests. */
export interface PlaceInspection {
  readonly location: JobLocation;
  readonly jobs: readonly JobInspection[];
  readonly pools: readonly PoolInspection[];
}

/**
 * The local SageMaker: a model of jobs and warm pools per account and region (names, pools and
 * quotas never cross them), served over loopback HTTP to the real SDK, which reaches the model
 * of the account and region it signs for, and driven directly by the local-stack runner. The
 * runner owns the clock and the pace: it submits trace jobs, advances virtual time, and
 * receives the state-change events.
 */
export class SageMakerEmulator {
  /** The home account and region's model and API (the options' accountId and region). */
  readonly model: WarmPoolModel;
  readonly api: SageMakerApi;
  readonly home: JobLocation;
  private readonly places = new Map<string, Place>();
  private readonly listeners = new Set<(event: TrainingJobStateChangeEvent) => void>();
  private readonly server: SageMakerServer;

  constructor(private readonly options: SageMakerEmulatorOptions) {
    const resolved = resolveOptions(options);
    this.home = { account: resolved.accountId, region: resolved.region };
    const home = this.place(this.home);
    this.model = home.model;
    this.api = home.api;
    this.server = new SageMakerServer(
      (authorization) => this.place(requestOrigin(authorization, this.home)).api,
      {
        ...(options.host !== undefined ? { host: options.host } : {}),
        ...(options.port !== undefined ? { port: options.port } : {}),
      },
    );
  }

  /** The account and region's SageMaker, opened at first use as a real region answers an empty list. */
  place(location: JobLocation): Place {
    const key = locationLabel(location);
    let place = this.places.get(key);
    if (!place) {
      const model = sameLocation(location, this.home)
        ? new WarmPoolModel(this.options)
        : new WarmPoolModel({ ...this.options, accountId: location.account, region: location.region });
      place = { location, model, api: new SageMakerApi(model, this.options.throttle) };
      model.subscribe((event) => {
        for (const listener of this.listeners) listener(event);
      });
      this.places.set(key, place);
    }
    return place;
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

  /** Submits a job in an account and region (the home ones when absent). */
  submit(request: SubmitRequest, location: JobLocation = this.home): JobInspection {
    return this.place(location).model.submit(request);
  }

  nextDueAt(): number | undefined {
    let next: number | undefined;
    for (const { model } of this.places.values()) {
      const due = model.nextDueAt();
      if (due !== undefined && (next === undefined || due < next)) next = due;
    }
    return next;
  }

  advanceTo(ms: number): number {
    let applied = 0;
    for (const { model } of this.places.values()) applied += model.advanceTo(ms);
    return applied;
  }

  subscribe(listener: (event: TrainingJobStateChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Every account and region that holds anything, home first. */
  inspectPlaces(): PlaceInspection[] {
    return [...this.places.values()].map(({ location, model }) => ({
      location,
      jobs: model.inspectJobs(),
      pools: model.inspectPools(),
    }));
  }

  /** Calls per operation received by each account and region (`<account>/<region>`). */
  callsByPlace(): Record<string, Record<string, number>> {
    return Object.fromEntries(
      [...this.places.entries()].map(([label, { api }]) => [
        label,
        Object.fromEntries(Object.entries(api.callCounts()).map(([operation, c]) => [operation, c.calls])),
      ]),
    );
  }

  /** Calls per operation, summed over every account and region. */
  callCounts(): Record<string, CallCount> {
    const total: Record<string, CallCount> = {};
    for (const { api } of this.places.values())
      for (const [operation, count] of Object.entries(api.callCounts())) {
        const sum = total[operation] ?? { calls: 0, throttled: 0, failed: 0 };
        total[operation] = {
          calls: sum.calls + count.calls,
          throttled: sum.throttled + count.throttled,
          failed: sum.failed + count.failed,
        };
      }
    return total;
  }
}
