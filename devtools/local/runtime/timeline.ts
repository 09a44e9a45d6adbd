import type { ActionResult } from '../../../lib/app/applyPoolAction';
import type { FactReactor } from '../../../lib/app/factReactor';
import type { LedgerFact } from '../../../lib/app/ledgerFacts';
import { describeDifferences } from '../../../lib/domain/matchKey';
import type { SentNotification } from '../../../lib/notify/notifier';
import type { Clock } from '../../../lib/ports/clock';
import type { DecisionRecord } from '../../../lib/ports/decisionLog';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Virtual instants as a person reads them in the timeline: `Mon 03-02 09:14`, in UTC. */
export const formatInstant = (ms: number): string => {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${WEEKDAYS[d.getUTCDay()]} ${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
};

/** A line's text, made only when a line is written (a run that counts its lines reads none). */
type Text = string | (() => string);

const describeFact = (fact: LedgerFact): { key: string; text: Text } | undefined => {
  switch (fact.kind) {
    case 'job-ended': {
      const job = fact.job.job;
      return {
        key: `ended:${fact.job.name}`,
        text: () =>
          `job ended      ${fact.job.name} ${job?.status ?? ''}${job?.failureReason ? ` (${job.failureReason})` : ''}`,
      };
    }
    case 'pool-available': {
      return {
        key: `available:${fact.job.name}`,
        text: () => {
          const pool = fact.job.pool;
          const job = fact.job.job;
          const until = pool?.expiresAtMs !== undefined ? ` until ${formatInstant(pool.expiresAtMs)}` : '';
          const shape = job ? ` ${job.criteria.instanceType} ×${job.criteria.instanceCount}` : '';
          return `pool available ${fact.job.name}${shape}${until}`;
        },
      };
    }
    case 'pool-reused':
      return {
        key: `reused:${fact.fromJob.name}`,
        text: () =>
          `pool reused    ${fact.toJob} took the pool of ${fact.fromJob.name} after ${fact.fromJob.pool?.billableSeconds ?? '?'} s idle`,
      };
    case 'pool-ended': {
      const pool = fact.job.pool;
      return {
        key: `ended-pool:${fact.job.name}`,
        text: () =>
          `pool ended     ${fact.job.name} after ${pool?.billableSeconds ?? '?'} s idle${pool?.stoppedBy ? ` (stopped by ${pool.stoppedBy})` : ''}`,
      };
    }
    case 'near-miss':
      return {
        key: `near-miss:${fact.job.name}`,
        text: () =>
          `near miss      ${fact.job.name} could not reuse the pool of ${fact.nearMiss.poolOf}: ${describeDifferences(fact.nearMiss.differences)}`,
      };
    case 'no-pool':
      return {
        key: `no-pool:${fact.job.name}`,
        text: () => `no pool        ${fact.job.name}: ${fact.noPool.detail}`,
      };
  }
};

/** Where the timeline's lines go: each written out, or only counted (their text is then never made). */
export type TimelineOutput =
  | { readonly write: (line: string) => void }
  | { readonly count: () => void }
  | undefined;

/**
 * The readable run log of the local stack. It hears the same facts the notifier and the policy
 * hear, once each even when chaos delivers an event several times. Without an output (a bulk
 * replay) it describes nothing, and keeps no key.
 */
export class Timeline implements FactReactor {
  readonly name = 'timeline';
  private readonly seen = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly output: TimelineOutput,
  ) {}

  line(key: string, text: Text): void {
    if (!this.output || this.seen.has(key)) return;
    this.seen.add(key);
    if ('count' in this.output) this.output.count();
    else this.output.write(`${formatInstant(this.clock.now())}  ${typeof text === 'string' ? text : text()}`);
  }

  notification(sent: SentNotification): void {
    if (!this.output) return;
    const channel = sent.envelope.channel === 'email' ? 'email' : 'slack';
    this.line(
      `sent:${sent.key.job}:${sent.key.kind}:${sent.key.hop}:${sent.key.occurrence ?? ''}:${channel}`,
      () => {
        const { to, text } = describeNotification(sent);
        return `notify ${channel.padEnd(6)}${to}: ${text.split('\n')[0] ?? ''}`;
      },
    );
  }

  action(result: ActionResult): void {
    if (!this.output) return;
    this.line(
      `action:${result.decision.job}:${result.decision.dedupeKey}`,
      () => `action         ${actionText(result.decision)}`,
    );
  }

  async react(facts: readonly LedgerFact[]): Promise<void> {
    if (!this.output) return;
    for (const fact of facts) {
      const described = describeFact(fact);
      if (described) this.line(described.key, described.text);
    }
  }
}

/** A sent message as the local report lists it. */
export const describeNotification = (
  sent: SentNotification,
): { channel: string; to: string; text: string } => {
  const envelope = sent.envelope;
  if (envelope.channel === 'email') {
    return { channel: 'email', to: envelope.attributes.owner ?? '(default)', text: envelope.subject };
  }
  const to = envelope.to;
  const address = to.via === 'webhook' ? 'webhook' : to.via === 'channel' ? to.channel : to.email;
  return { channel: 'slack', to: address, text: envelope.text };
};

/** An action as the local report lists it: the decision record, as stored. */
export const describeAction = (result: ActionResult): DecisionRecord => result.decision;

const actionText = (d: DecisionRecord): string => {
  const what =
    d.action === 'extend'
      ? `extend to ${d.endsAtMs !== undefined ? formatInstant(d.endsAtMs) : '?'}`
      : d.action === 'warn'
        ? `warn: ends ${d.endsAtMs !== undefined ? formatInstant(d.endsAtMs) : '?'}`
        : d.action;
  const outcome = d.outcome === 'applied' ? '' : ` [${d.outcome}${d.error ? `: ${d.error}` : ''}]`;
  return `${what} ${d.job} by ${d.actor}${outcome}: ${d.reason}`;
};
