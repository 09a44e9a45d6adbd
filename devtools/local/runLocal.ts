import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHandler as createJobStateChangeHandler } from '../../functions/onJobStateChange';
import { createHandler as createSlackActionsHandler } from '../../functions/slackActions';
import { createHandler as createSweepHandler } from '../../functions/sweep';
import type { ActionResult } from '../../lib/app/applyPoolAction';
import type { ProcessOutcome } from '../../lib/app/processJobStateChange';
import type { SweepReport } from '../../lib/app/sweep';
import { SWEEP_EVERY_MS } from '../../lib/app/sweepWake';
import { errorMessage } from '../../lib/domain/errorMessage';
import { DEFAULT_POLICY } from '../../lib/domain/policy/defaultPolicy';
import type { Policy } from '../../lib/domain/policy/policy';
import { DEFAULT_PRICES, type PriceTable } from '../../lib/domain/prices';
import type { SentNotification } from '../../lib/notify/notifier';
import type { Telemetry } from '../../lib/ports/telemetry';
import type { TraceJob } from '../../lib/trace/traceJob';
import { loadConfig } from '../../lib/wiring/config/loadConfig';
import { LOCAL_HOME, LOCAL_SPOKE_EXTERNAL_ID, LOCAL_TABLE } from '../../lib/wiring/localStack';
import { Runtime } from '../../lib/wiring/runtime';
import { SlackActionsRuntime } from '../../lib/wiring/slackActionsRuntime';
import { replayWithoutPoolwarden } from './report/baseline';
import {
  buildLocalReport,
  type LocalAction,
  type LocalNotification,
  type LocalReport,
} from './report/localReport';
import { qualifiedInspections } from './report/qualifiedInspections';
import { readAllJobRecords } from './report/readLedger';
import { type ChaosOptions, DEFAULT_CHAOS, LocalEventBus } from './runtime/eventBus';
import { type FaultRates, Faults, NO_FAULTS } from './runtime/faults';
import { inProcessTransport } from './runtime/inProcessHandler';
import { lambdaContext, SWEEP_TIMEOUT_MS } from './runtime/lambdaContext';
import { type LocalDynamo, startLocalDynamo } from './runtime/localDynamo';
import { useLocalAwsEnvironment } from './runtime/localEnvironment';
import { inProcessTransports } from './runtime/localTransports';
import { memoryStores } from './runtime/memoryStores';
import { SweepSchedule, type SweepTiming } from './runtime/sweepSchedule';
import { describeAction, describeNotification, Timeline } from './runtime/timeline';
import { locationOf, submissionOf, traceJobRef } from './runtime/traceSubmission';
import { VirtualClock } from './runtime/virtualClock';
import { type Step, VirtualPause } from './runtime/virtualPause';
import type { EventStyle } from './sagemaker/eventStyle';
import type { TrainingJobStateChangeEvent } from './sagemaker/jobStateEvent';
import type { PoolChoiceRule } from './sagemaker/poolChoice';
import { SageMakerEmulator } from './sagemaker/sageMakerEmulator';
import { SchedulerStandIn } from './scheduler/schedulerStandIn';
import {
  LOCAL_SLACK_SIGNING_SECRET,
  type SlackActionsServer,
  startSlackActionsServer,
} from './slackActionsServer';
import { startSlackSink } from './slackSink';
import { startSnsSink } from './snsSink';
import { startStsStandIn } from './stsStandIn';

export const LOCAL_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:poolwarden-local';
/** Accounts start with a warm pool quota of 0; the demo grants a generous one, except where a trace shows the quota problem. */
export const LOCAL_QUOTAS: Readonly<Record<string, number>> = { 'ml.p5.48xlarge': 0 };
/** The role name the spoke stack gives its role (spoke/serverless.yml), and the hub's default. */
const SPOKE_ROLE_NAME = 'poolwarden-spoke';
/** Lambda retries a failed async invocation twice, about a minute apart, then dead-letters it. */
const RETRIES = 2;
const RETRY_DELAY_MS = 60_000;

export interface LocalRunOptions {
  readonly trace: readonly TraceJob[];
  /** The policy the sweep applies; absent: the built-in default policy. */
  readonly policy?: Policy;
  readonly killSwitch?: boolean;
  /** A seed turns on duplicated, delayed and reordered delivery. */
  readonly chaosSeed?: number;
  readonly chaos?: Partial<Omit<ChaosOptions, 'seed'>>;
  /** Lost deliveries, crashed invocations, throttled SageMaker calls; seeded with chaosSeed (or 1). */
  readonly faults?: Partial<FaultRates>;
  /** Also answer ThrottlingException to a SageMaker call whenever this says so (a script taking SageMaker down mid-run). */
  readonly throttleSageMaker?: (operation: string) => boolean;
  /** When sweeps run: only where one could act (the default), or every virtual minute; the results are the same. */
  readonly sweepTiming?: SweepTiming;
  /** Virtual seconds per wall-clock second; absent: as fast as possible. */
  readonly speed?: number;
  readonly dataDir?: string;
  /** Where the functions keep their records: dynalite through the DynamoDB adapters (the default), or the memory adapters. */
  readonly ledger?: LocalLedger;
  /** How the functions' AWS clients reach the stand-ins: in process (the default) or over loopback HTTP. */
  readonly transport?: 'in-process' | 'http';
  readonly sageMakerPort?: number;
  readonly dynamoDbPort?: number;
  /** Serve `POST /slack/actions` on this loopback port; absent: a free one (see onReady). */
  readonly slackActionsPort?: number;
  /** Awaited after each instant of virtual time: scripts and tests act on the stack mid-run (a Slack click). */
  readonly onStep?: (atMs: number) => Promise<void>;
  /** Called once the local endpoints are up, before the trace starts (`--speed` demos print them). */
  readonly onReady?: (endpoints: LocalEndpoints) => void;
  /** After the trace, keep the endpoints serving until this resolves (for the CLI and your own scripts). */
  readonly keepServingUntil?: Promise<void>;
  readonly quotas?: Readonly<Record<string, number>>;
  readonly prices?: PriceTable;
  readonly eventStyle?: EventStyle;
  /** Which matching pool the SageMaker emulator hands a new job; absent: poolwarden's assumption (poolChoice.ts). */
  readonly poolChoice?: PoolChoiceRule;
  /** A real Slack incoming webhook; absent: a local sink that records the messages. */
  readonly slackWebhookUrl?: string;
  /** Member accounts whose spoke role is missing: the hub cannot assume it there. */
  readonly accountsWithoutSpokeRole?: readonly string[];
  readonly verbose?: boolean;
  /** Told as trace jobs are submitted (a progress bar). */
  readonly onProgress?: (submitted: number, total: number) => void;
  /** Receives each timeline line; absent: silent. */
  readonly onLine?: (line: string) => void;
  /**
   * Without onLine, called once per timeline line, when only their number is wanted (npm start
   * prints it): their text, formatting nobody would read, is then not made.
   */
  readonly onLineCounted?: () => void;
  /** Receives each notification as it was sent (the Slack preview keeps the Slack ones). */
  readonly onSent?: (sent: SentNotification) => void;
}

export type LocalLedger = 'dynamodb' | 'memory';

export interface LocalEndpoints {
  /** Absent with `ledger: 'memory'`. */
  readonly dynamodb?: string;
  readonly sagemaker: string;
  readonly sns: string;
  readonly slackWebhook?: string;
  /** The Slack actions route; sign requests with POOLWARDEN_SLACK_SIGNING_SECRET or LOCAL_SLACK_SIGNING_SECRET. */
  readonly slackActions: string;
  readonly table: string;
}

export interface LocalRunResult {
  readonly report: LocalReport;
  readonly wallSeconds: number;
  /** SageMaker calls each account and region received (`<account>/<region>`), by operation. */
  readonly sageMakerCalls: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Every AssumeRole the hub made, granted or not. */
  readonly assumedRoles: ReadonlyArray<{ readonly roleArn: string; readonly granted: boolean }>;
  /**
   * Virtual seconds the scheduled sweeps spent within their invocations (their catch-up listings while
   * end events ran late, catchUpListings.ts): what catching up adds to the sweep's Lambda time. 0 in a calm run.
   */
  readonly catchUpSeconds: number;
}

/** The local deployment's wakes: its schedule group, its sweep, the role the Scheduler would assume. */
const LOCAL_WAKE_GROUP = 'poolwarden-local';
const LOCAL_SWEEP_ARN = `arn:aws:lambda:us-east-1:${LOCAL_HOME.account}:function:poolwarden-local-sweep`;
const LOCAL_WAKE_ROLE_ARN = `arn:aws:iam::${LOCAL_HOME.account}:role/poolwarden-local-wakes`;

interface Delivery {
  readonly event: TrainingJobStateChangeEvent;
  readonly attempt: number;
}

/**
 * poolwarden end to end on this machine: the real functions, with the real AWS SDK clients,
 * against dynalite, the SageMaker emulator, an SNS endpoint and a Slack sink on loopback,
 * driven by a trace in virtual time.
 */
export const runLocal = async (options: LocalRunOptions): Promise<LocalRunResult> => {
  const started = performance.now();
  const trace = [...options.trace].sort((a, b) => a.submitAtMs - b.submitAtMs);
  const firstSubmit = trace[0]?.submitAtMs ?? Date.parse('2026-01-05T00:00:00Z');
  const clock = new VirtualClock(Math.floor(firstSubmit / SWEEP_EVERY_MS) * SWEEP_EVERY_MS);
  const timeline = new Timeline(
    clock,
    options.onLine
      ? { write: options.onLine }
      : options.onLineCounted
        ? { count: options.onLineCounted }
        : undefined,
  );
  const quotas = { ...LOCAL_QUOTAS, ...options.quotas };
  const prices = options.prices ?? DEFAULT_PRICES;

  const faults = new Faults({ ...NO_FAULTS, ...options.faults }, options.chaosSeed ?? 1);
  const stores = options.ledger === 'memory' ? memoryStores() : undefined;
  const dynamo: LocalDynamo | undefined = stores
    ? undefined
    : await startLocalDynamo({
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        ...(options.dynamoDbPort !== undefined ? { port: options.dynamoDbPort } : {}),
        faults,
      });
  // Nothing reads what the sinks received: the report keeps what was sent (onSent) itself.
  const slackSink = options.slackWebhookUrl ? undefined : await startSlackSink({ keepHistory: false });
  const snsSink = await startSnsSink({ keepHistory: false });
  const sts = await startStsStandIn({
    roleName: SPOKE_ROLE_NAME,
    externalId: LOCAL_SPOKE_EXTERNAL_ID,
    withoutRole: options.accountsWithoutSpokeRole ?? [],
  });
  const emulator = new SageMakerEmulator({
    accountId: LOCAL_HOME.account,
    region: LOCAL_HOME.region,
    clock,
    eventStyle: options.eventStyle ?? 'mixed',
    quotas,
    throttle: {
      hook: (operation: string) =>
        faults.throttlesCall() || (options.throttleSageMaker?.(operation) ?? false),
    },
    ...(options.sageMakerPort !== undefined ? { port: options.sageMakerPort } : {}),
    ...(options.poolChoice !== undefined ? { poolChoice: options.poolChoice } : {}),
  });
  let sageMakerEndpoint: string;
  try {
    sageMakerEndpoint = await emulator.start();
  } catch (error) {
    // Its port may be taken: stop what already listens, or the process would never exit.
    await snsSink.close();
    await sts.close();
    await slackSink?.close();
    await dynamo?.stop();
    throw error;
  }
  const restoreEnvironment = useLocalAwsEnvironment(
    { dynamodb: dynamo?.endpoint, sagemaker: sageMakerEndpoint, sns: snsSink.endpoint, sts: sts.endpoint },
    {
      verbose: options.verbose ?? false,
      settings: {
        POOLWARDEN_TABLE: LOCAL_TABLE,
        POOLWARDEN_SLACK_MODE: 'webhook',
        POOLWARDEN_SLACK_WEBHOOK_URL: options.slackWebhookUrl ?? slackSink?.webhookUrl,
        POOLWARDEN_NOTIFY_TOPIC_ARN: LOCAL_TOPIC_ARN,
        // Expiry warnings come from the policy's own lead time.
        POOLWARDEN_NOTIFY_EXPIRY_WARNING_SECONDS: '0',
        POOLWARDEN_KILL_SWITCH: options.killSwitch ? 'on' : 'off',
        POOLWARDEN_SLACK_SIGNING_SECRET:
          process.env.POOLWARDEN_SLACK_SIGNING_SECRET ?? LOCAL_SLACK_SIGNING_SECRET,
        POOLWARDEN_SLACK_LOOPBACK_REPLIES: 'true',
        // The local stack is the hub: trace jobs of other accounts are reached through their spoke role.
        POOLWARDEN_HOME_ACCOUNT: LOCAL_HOME.account,
        POOLWARDEN_HOME_REGION: LOCAL_HOME.region,
        POOLWARDEN_SPOKE_ROLE_NAME: SPOKE_ROLE_NAME,
        POOLWARDEN_SPOKE_EXTERNAL_ID: LOCAL_SPOKE_EXTERNAL_ID,
        POOLWARDEN_WAKE_GROUP: LOCAL_WAKE_GROUP,
        POOLWARDEN_WAKE_FUNCTION_ARN: LOCAL_SWEEP_ARN,
        POOLWARDEN_WAKE_ROLE_ARN: LOCAL_WAKE_ROLE_ARN,
      },
    },
  );
  const notifications: LocalNotification[] = [];
  const actions: LocalAction[] = [];
  let slackActions: SlackActionsServer | undefined;
  try {
    await dynamo?.ensureLedgerTable(LOCAL_TABLE);
    const setupCalls = dynamo?.calls() ?? {};
    // The Scheduler stand-in is in process with either transport: nothing outside the run reaches it.
    const scheduler = new SchedulerStandIn(LOCAL_HOME.account, LOCAL_HOME.region, [LOCAL_WAKE_GROUP]);
    const schedulerTransport = inProcessTransport(scheduler.dispatch, { cacheMiddleware: true });
    const transport =
      options.transport === 'http'
        ? { scheduler: schedulerTransport }
        : { ...inProcessTransports(emulator, dynamo, snsSink, slackSink), scheduler: schedulerTransport };
    const bus = new LocalEventBus<Delivery>(
      options.chaosSeed !== undefined
        ? { ...DEFAULT_CHAOS, ...options.chaos, seed: options.chaosSeed }
        : undefined,
    );
    emulator.subscribe((event) => {
      if (!faults.dropsDelivery()) bus.publish({ event, attempt: 0 }, clock.now());
    });

    // The functions' configuration, from the environment set above as Lambda's would be.
    const config = loadConfig(process.env);
    // Each function builds its own runtime, as each Lambda function has its own containers.
    // A sweep waiting within its invocation (its catch-up listings while end events run late) waits in virtual time.
    const pause = new VirtualPause();
    const buildRuntime = (telemetry: Telemetry) =>
      new Runtime({
        config,
        telemetry,
        clock,
        pause,
        prices,
        ...(options.policy ? { initialPolicy: options.policy } : {}),
        transport,
        ...(stores ? { stores } : {}),
        extraReactors: [timeline],
        onSent: (sent: SentNotification) => {
          notifications.push({
            atMs: sent.atMs,
            job: sent.key.job,
            kind: sent.key.kind,
            ...describeNotification(sent),
          });
          timeline.notification(sent);
          options.onSent?.(sent);
        },
        onAction: (result: ActionResult) => {
          actions.push(describeAction(result));
          timeline.action(result);
        },
      });
    const onJobStateChange = createJobStateChangeHandler(buildRuntime);
    const sweepHandler = createSweepHandler(buildRuntime);
    // The backstop sweeps every base reconcile period (serverless.yml), whatever the wakes.
    const schedule = new SweepSchedule(
      clock.now(),
      SWEEP_EVERY_MS,
      options.sweepTiming ?? 'next-event',
      config.policy.reconcileEveryMs,
      scheduler,
    );
    const slackActionsHandler = createSlackActionsHandler(
      (telemetry) => new SlackActionsRuntime(buildRuntime(telemetry), telemetry),
    );
    /**
     * The scheduled sweep under way, waiting in virtual time within its invocation (catchUpListings.ts):
     * a wake that comes due meanwhile is throttled (reserved concurrency 1) and runs after it.
     */
    let flight: { readonly atMs: number; readonly work: Promise<SweepReport | undefined> } | undefined;
    // A click that changes the ledger asks for the next minute's sweep itself (functions/slackActions.ts).
    slackActions = await startSlackActionsServer(
      slackActionsHandler,
      options.slackActionsPort !== undefined ? { port: options.slackActionsPort } : {},
    );
    options.onReady?.({
      ...(dynamo ? { dynamodb: dynamo.endpoint } : {}),
      sagemaker: sageMakerEndpoint,
      sns: snsSink.endpoint,
      ...(slackSink ? { slackWebhook: slackSink.webhookUrl } : {}),
      slackActions: slackActions.url,
      table: LOCAL_TABLE,
    });

    const stats = { rejected: 0, stale: 0, deadLettered: 0, sweeps: 0, sweepsFailed: 0 };
    /** Handles one delivery; the handler asks for the sweep it calls for (functions/onJobStateChange.ts). */
    const deliver = async (delivery: Delivery): Promise<void> => {
      try {
        const outcome = (await faults.invoke(() =>
          onJobStateChange(delivery.event, lambdaContext('onJobStateChange')),
        )) as ProcessOutcome;
        if (outcome.kind === 'rejected') stats.rejected++;
        if (outcome.kind === 'stale') stats.stale++;
      } catch (error) {
        const reason = errorMessage(error);
        if (delivery.attempt < RETRIES) {
          bus.publish({ event: delivery.event, attempt: delivery.attempt + 1 }, clock.now() + RETRY_DELAY_MS);
        } else {
          stats.deadLettered++;
          timeline.line(
            `dead-letter:${delivery.event.id}`,
            `dead letter    event ${delivery.event.id}: ${reason}`,
          );
        }
      }
    };

    // A scheduled sweep is not retried: a failed one leaves its work to the next minute's.
    const runSweep = async (event: object): Promise<SweepReport | undefined> => {
      stats.sweeps++;
      const startedAtMs = clock.now();
      const context = lambdaContext('sweep', () => SWEEP_TIMEOUT_MS - (clock.now() - startedAtMs));
      try {
        return (await faults.invoke(() => sweepHandler(event, context))) as SweepReport;
      } catch {
        stats.sweepsFailed++;
        return undefined;
      }
    };
    /** The sweep under way went as far as it could at this instant: ended, or waits for a later one. */
    const stepped = (step: Step<SweepReport | undefined>): void => {
      if (!step.done || !flight) return;
      catchUpWaitMs += clock.now() - flight.atMs;
      flight = undefined;
    };
    let catchUpWaitMs = 0;
    let next = 0;
    const wallStart = performance.now();
    const virtualStart = clock.now();
    // In real time with --keep-serving, time goes on after the trace: jobs your own scripts create
    // through the emulator's port run, and their events are handled, until the run is stopped.
    let serving = options.speed !== undefined && options.keepServingUntil !== undefined;
    void options.keepServingUntil?.then(() => {
      serving = false;
    });
    for (;;) {
      const due = [trace[next]?.submitAtMs, emulator.nextDueAt(), bus.nextDueAt(), pause.nextDueAt()].filter(
        (t): t is number => t !== undefined,
      );
      if (due.length === 0 && !serving) break;
      // While a sweep waits within its invocation, the next one is not due before it has ended.
      let at = Math.min(...due, flight ? Number.POSITIVE_INFINITY : schedule.nextAt(clock.now()));
      if (options.speed) {
        // Never sleep more than a wall-clock second: a job created meanwhile must not wait for the next due time.
        at = Math.min(at, clock.now() + Math.max(1, Math.round(options.speed * 1000)));
        const wait = wallStart + (at - virtualStart) / options.speed - performance.now();
        if (wait > 0) await sleep(wait);
      }
      clock.advanceTo(at);
      emulator.advanceTo(at);
      while (trace[next] && trace[next]?.submitAtMs === at) {
        const job = trace[next++];
        if (job) emulator.submit(submissionOf(job), locationOf(job, LOCAL_HOME));
        options.onProgress?.(next, trace.length);
      }
      for (let delivery = bus.takeDue(at); delivery; delivery = bus.takeDue(at)) {
        await deliver(delivery);
      }
      if (flight && pause.nextDueAt() === at) stepped(await pause.resume(flight.work));
      else if (!flight) {
        const event = schedule.take(at);
        if (event) {
          const { work, step } = pause.start(() => runSweep(event));
          flight = { atMs: at, work };
          stepped(await step);
        }
      }
      await options.onStep?.(at);
    }
    // Nothing is left to happen: one last sweep, reconciling whatever the period says, records
    // how every pool ended. Not a faulty one: the run reports where poolwarden converges.
    await sweepHandler({ reconcile: true }, lambdaContext('sweep'));
    stats.sweeps++;
    await options.keepServingUntil;
    const dynamoCalls = dynamo?.calls() ?? {};
    const sageMakerCalls = emulator.callCounts();

    const busStats = bus.stats();
    const truth = qualifiedInspections(emulator.inspectPlaces(), LOCAL_HOME);
    const report = buildLocalReport({
      home: LOCAL_HOME,
      jobNames: trace.map((j) => traceJobRef(j, LOCAL_HOME)),
      records: dynamo ? await readAllJobRecords(dynamo.client, LOCAL_TABLE) : (stores?.ledger.all() ?? []),
      emulatorJobs: truth.jobs,
      emulatorPools: truth.pools,
      coldStartupSeconds: emulator.model.options.startupSeconds.cold,
      prices,
      actions,
      notifications,
      baseline: replayWithoutPoolwarden(trace, quotas, prices),
      waitingValuePerHourUsd: (options.policy ?? DEFAULT_POLICY).defaults.keepAlive.waitingValuePerHourUsd,
      delivery: {
        eventsPublished: busStats.published,
        deliveries: busStats.delivered,
        extraCopies: busStats.extraCopies,
        ...stats,
        ...faults.stats(),
      },
      api: {
        sagemaker: Object.fromEntries(Object.entries(sageMakerCalls).map(([op, c]) => [op, c.calls])),
        dynamodb: Object.fromEntries(
          Object.entries(dynamoCalls).flatMap(([op, n]) => {
            const ran = n - (setupCalls[op] ?? 0);
            return ran > 0 ? [[op, ran]] : [];
          }),
        ),
        scheduler: scheduler.calls(),
      },
    });
    return {
      report,
      wallSeconds: (performance.now() - started) / 1000,
      sageMakerCalls: emulator.callsByPlace(),
      assumedRoles: [...sts.assumed],
      catchUpSeconds: catchUpWaitMs / 1000,
    };
  } finally {
    restoreEnvironment();
    await slackActions?.close();
    await emulator.stop();
    await sts.close();
    await snsSink.close();
    await slackSink?.close();
    await dynamo?.stop();
  }
};
