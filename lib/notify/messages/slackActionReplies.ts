import type { PoolButton } from '../../domain/poolButtonPlan';
import type { SlackReply } from '../slackReplies';
import { type ContextBlock, mrkdwn, type SectionBlock, section } from './blockKit';
import { formatTime } from './format';
import { code } from './mrkdwn';

/** What was done from one click, for the message that replaces the one the button was on. */
export interface ActionDone {
  readonly button: PoolButton;
  readonly userId: string;
  readonly job: string;
  readonly dryRun: boolean;
  /** The pool's predicted end after an extension. */
  readonly expiresAtMs?: number;
  readonly previousExpiresAtMs?: number;
  /** Until when the idle policy may not stop it. */
  readonly heldUntilMs?: number;
  readonly reason: string;
  readonly nowMs: number;
  readonly timeZone: string;
}

const VERB: Record<PoolButton, string> = {
  extend: 'extended',
  stop: 'stopped',
  'keep-until-end-of-day': 'kept until the end of the working day',
  snooze: 'snoozed auto-stop for',
};

const headline = (done: ActionDone): string => {
  const at = (ms: number) => formatTime(ms, done.timeZone, done.nowMs);
  const who = `<@${done.userId}>`;
  const pool = `the warm pool of ${code(done.job)}`;
  const would = done.dryRun ? ' (dry run: recorded, not done; the kill switch is on)' : '';
  switch (done.button) {
    case 'stop':
      return `:octagonal_sign: ${who} ${VERB.stop} ${pool}${would}. The next matching job starts cold.`;
    case 'extend':
      return `:hourglass_flowing_sand: ${who} ${VERB.extend} ${pool}${done.expiresAtMs !== undefined ? ` until *${at(done.expiresAtMs)}*` : ''}${
        done.previousExpiresAtMs !== undefined ? ` (was ${at(done.previousExpiresAtMs)})` : ''
      }${would}.`;
    case 'keep-until-end-of-day':
      return `:sunny: ${who} ${VERB['keep-until-end-of-day']}: ${pool} is kept${done.expiresAtMs !== undefined ? ` until *${at(done.expiresAtMs)}*` : ''}${
        done.heldUntilMs !== undefined ? `, auto-stop held off until ${at(done.heldUntilMs)}` : ''
      }${would}.`;
    case 'snooze':
      return `:zzz: ${who} ${VERB.snooze} ${pool}${done.heldUntilMs !== undefined ? ` until *${at(done.heldUntilMs)}*` : ''}${would}.`;
  }
};

const isPoolwardenActions = (block: unknown): boolean =>
  typeof block === 'object' &&
  block !== null &&
  Reflect.get(block, 'type') === 'actions' &&
  String(Reflect.get(block, 'block_id') ?? '').startsWith('poolwarden.');

/**
 * Replaces the message the button was on: its content stays, its buttons go (each button acts
 * once per message; the next message about the pool brings new ones), and a line says who did
 * what and when the pool now ends.
 */
export const actionDoneReply = (
  done: ActionDone,
  original: { readonly text?: string; readonly blocks: readonly unknown[] } | undefined,
): SlackReply => {
  const line = headline(done);
  const kept = (original?.blocks ?? []).filter((block) => !isPoolwardenActions(block)) as Readonly<
    Record<string, unknown>
  >[];
  const outcome: SectionBlock = section(line);
  const context: ContextBlock = { type: 'context', elements: [mrkdwn(`poolwarden: ${done.reason}`)] };
  return {
    text: line,
    blocks: [...kept, outcome, context],
    replaceOriginal: true,
    ephemeral: false,
  };
};

/** A refusal or a "nothing to do" that only the clicking user sees; the message stays as it is. */
export const ephemeralReply = (text: string): SlackReply => ({
  text,
  blocks: [section(text)],
  replaceOriginal: false,
  ephemeral: true,
});
