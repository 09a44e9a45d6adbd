import { SLACK_LIMITS } from '../slackLimits';

/**
 * The few Block Kit shapes poolwarden sends. Declared here rather than imported from
 * @slack/types (not a direct dependency); each is a structural subset of Slack's own types,
 * so the Slack clients accept them as they are.
 */
export interface MrkdwnText {
  readonly type: 'mrkdwn';
  readonly text: string;
}

export interface PlainText {
  readonly type: 'plain_text';
  readonly text: string;
  readonly emoji?: boolean;
}

export interface ConfirmDialog {
  readonly title: PlainText;
  readonly text: MrkdwnText;
  readonly confirm: PlainText;
  readonly deny: PlainText;
  readonly style?: 'primary' | 'danger';
}

export interface ButtonElement {
  readonly type: 'button';
  readonly action_id: string;
  readonly text: PlainText;
  readonly value: string;
  readonly style?: 'primary' | 'danger';
  readonly confirm?: ConfirmDialog;
}

export interface SectionBlock {
  readonly type: 'section';
  readonly text: MrkdwnText;
}

export interface ContextBlock {
  readonly type: 'context';
  readonly elements: readonly MrkdwnText[];
}

export interface ActionsBlock {
  readonly type: 'actions';
  readonly block_id: string;
  readonly elements: readonly ButtonElement[];
}

export type SlackBlock = SectionBlock | ContextBlock | ActionsBlock;

export const mrkdwn = (text: string): MrkdwnText => ({ type: 'mrkdwn', text });
export const plain = (text: string): PlainText => ({ type: 'plain_text', text, emoji: true });

const SECTION_LIMIT = SLACK_LIMITS.sectionText;

export const section = (text: string): SectionBlock => ({
  type: 'section',
  text: mrkdwn(text.length > SECTION_LIMIT ? `${text.slice(0, SECTION_LIMIT - 1)}…` : text),
});
