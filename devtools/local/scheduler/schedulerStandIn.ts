import type { WireAnswer, WireRequest } from '../runtime/inProcessHandler';

/**
 * EventBridge Scheduler's CreateSchedule (REST JSON, `POST /schedules/{Name}`), in process, as
 * poolwarden's wakes use it (adapters/scheduler/schedulerWakes.ts says what is known of the real
 * service and what is assumed): one-shot at() schedules in known groups, a name taken in its group
 * answered with ConflictException, and each schedule deleted once it fires (ActionAfterCompletion
 * DELETE is all poolwarden asks). The runner takes the schedules as they come due (virtual time).
 */
export interface StandInSchedule {
  readonly group: string;
  readonly name: string;
  readonly atMs: number;
  readonly targetArn: string;
  /** The target's input, as the Scheduler hands it to the function. */
  readonly input: string;
}

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;
const AT = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/;

const answer = (status: number, body: object, errorType?: string): WireAnswer => ({
  status,
  headers: {
    'content-type': 'application/json',
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  },
  body: JSON.stringify(body),
});

const refuse = (status: number, type: string, message: string): WireAnswer =>
  answer(status, { Message: message }, type);

interface CreateScheduleBody {
  readonly GroupName?: string;
  readonly ScheduleExpression?: string;
  readonly ScheduleExpressionTimezone?: string;
  readonly FlexibleTimeWindow?: { readonly Mode?: string };
  readonly ActionAfterCompletion?: string;
  readonly Target?: { readonly Arn?: string; readonly RoleArn?: string; readonly Input?: string };
}

export class SchedulerStandIn {
  /** By group, then name: what is set and has not fired. */
  private readonly schedules = new Map<string, StandInSchedule>();
  private readonly counts: Record<string, number> = {};

  constructor(
    private readonly account: string,
    private readonly region: string,
    private readonly groups: readonly string[],
  ) {}

  readonly dispatch = (request: WireRequest): WireAnswer => {
    const match = /^\/schedules\/([^/?]+)$/.exec(request.path);
    if (request.method !== 'POST' || !match?.[1])
      return refuse(
        400,
        'ValidationException',
        `the stand-in serves CreateSchedule only (${request.method} ${request.path})`,
      );
    this.counts.CreateSchedule = (this.counts.CreateSchedule ?? 0) + 1;
    return this.create(decodeURIComponent(match[1]), JSON.parse(request.body || '{}') as CreateScheduleBody);
  };

  private create(name: string, body: CreateScheduleBody): WireAnswer {
    const group = body.GroupName ?? 'default';
    if (!NAME.test(name)) return refuse(400, 'ValidationException', `invalid schedule name ${name}`);
    if (!this.groups.includes(group))
      return refuse(404, 'ResourceNotFoundException', `Schedule group ${group} does not exist.`);
    const at = AT.exec(body.ScheduleExpression ?? '');
    // poolwarden's wakes are one-shot and in UTC; anything else is a mistake here.
    if (!at?.[1] || (body.ScheduleExpressionTimezone ?? 'UTC') !== 'UTC')
      return refuse(400, 'ValidationException', `not a UTC at() expression: ${body.ScheduleExpression}`);
    if (body.FlexibleTimeWindow?.Mode !== 'OFF' || body.ActionAfterCompletion !== 'DELETE')
      return refuse(400, 'ValidationException', 'wakes have no flexible window and are deleted once fired');
    const target = body.Target;
    if (!target?.Arn || !target.RoleArn || target.Input === undefined)
      return refuse(400, 'ValidationException', 'a wake needs its target, role and input');
    JSON.parse(target.Input);
    const key = `${group}/${name}`;
    if (this.schedules.has(key)) return refuse(409, 'ConflictException', `Schedule ${name} already exists.`);
    this.schedules.set(key, {
      group,
      name,
      atMs: Date.parse(`${at[1]}Z`),
      targetArn: target.Arn,
      input: target.Input,
    });
    return answer(200, {
      ScheduleArn: `arn:aws:scheduler:${this.region}:${this.account}:schedule/${group}/${name}`,
    });
  }

  /** When the earliest schedule set comes due; undefined: none is set. */
  nextDueAt(): number | undefined {
    let earliest: number | undefined;
    for (const schedule of this.schedules.values())
      if (earliest === undefined || schedule.atMs < earliest) earliest = schedule.atMs;
    return earliest;
  }

  /** Fires every schedule due by `atMs`, earliest first: each is deleted (ActionAfterCompletion DELETE). */
  takeDue(atMs: number): StandInSchedule[] {
    const due = [...this.schedules.entries()].filter(([, s]) => s.atMs <= atMs);
    for (const [key] of due) this.schedules.delete(key);
    return due.map(([, s]) => s).sort((a, b) => a.atMs - b.atMs);
  }

  /** The requests received, by operation. */
  calls(): Readonly<Record<string, number>> {
    return { ...this.counts };
  }
}
