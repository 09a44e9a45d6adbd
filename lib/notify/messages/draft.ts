import type { NoticeKind } from '../notice';
import { SNS_LIMITS } from '../snsLimits';
import { type ButtonElement, mrkdwn, type SlackBlock, section } from './blockKit';
import { toPlainText } from './mrkdwn';
import { actionsBlock } from './poolButtons';

/** One message as each kind writes it: mrkdwn once, turned into Block Kit and into an email. */
export interface MessageDraft {
  readonly kind: NoticeKind;
  readonly job: string;
  /** Plain text, one line: the phone's notification preview and the email subject. */
  readonly summary: string;
  /** Slack emoji code in front of the headline; email has none. */
  readonly emoji: string;
  readonly headline: string;
  readonly details: readonly string[];
  /** Small print: owner, links. */
  readonly context: readonly string[];
  readonly buttons: readonly ButtonElement[];
  /** What an email reader can do instead of the buttons, plain text. */
  readonly emailActions: readonly string[];
}

export interface RenderedMessage {
  readonly kind: NoticeKind;
  readonly job: string;
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
  readonly email: { readonly subject: string; readonly body: string };
}

/** Kept to printable ASCII on one line, which every mail client shows as it is. */
const SUBJECT_LIMIT = SNS_LIMITS.subjectMaxLength;
const emailSubject = (summary: string): string => {
  const ascii = `[poolwarden] ${summary}`
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return ascii.length > SUBJECT_LIMIT ? `${ascii.slice(0, SUBJECT_LIMIT - 3)}...` : ascii;
};

const emailBody = (draft: MessageDraft): string =>
  [
    toPlainText(draft.headline),
    ...draft.details.map(toPlainText),
    ...(draft.emailActions.length > 0 ? [draft.emailActions.join('\n')] : []),
    ['--', ...draft.context.map(toPlainText)].join('\n'),
  ].join('\n\n');

export const composeMessage = (draft: MessageDraft): RenderedMessage => {
  const blocks: SlackBlock[] = [
    section(`${draft.emoji} ${draft.headline}`),
    ...draft.details.map(section),
    ...(draft.context.length > 0 ? [{ type: 'context' as const, elements: draft.context.map(mrkdwn) }] : []),
    ...(draft.buttons.length > 0 ? [actionsBlock(draft.kind, draft.buttons)] : []),
  ];
  return {
    kind: draft.kind,
    job: draft.job,
    text: draft.summary,
    blocks,
    email: { subject: emailSubject(draft.summary), body: emailBody(draft) },
  };
};
