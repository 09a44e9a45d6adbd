import type { IncomingWebhookSendArguments } from '@slack/webhook';
import type { SlackReplies, SlackReply } from '../../notify/slackReplies';
import { isLoopbackUrl } from '../../notify/slackSecrets';

export interface ResponseUrlOptions {
  /**
   * One attempt's limit, fixed or what is left of the click's answer time when the reply starts:
   * the whole answer must reach Slack within its 3 seconds. With none left, nothing is sent.
   */
  readonly timeoutMs: number | (() => number);
  /** The local stack's Slack sink lives on http://127.0.0.1; never set in AWS. */
  readonly allowLoopback: boolean;
}

/**
 * Slack's response URLs: `https://hooks.slack.com/actions/…` on the default port 443, with no
 * user info. Anything else is refused (no SSRF, not even to another port of Slack's host).
 */
export const isSlackResponseUrl = (raw: string, allowLoopback: boolean): boolean => {
  try {
    const url = new URL(raw);
    return (
      (url.protocol === 'https:' &&
        url.hostname === 'hooks.slack.com' &&
        url.port === '' &&
        url.username === '' &&
        url.password === '' &&
        url.pathname.startsWith('/actions/')) ||
      (allowLoopback && isLoopbackUrl(url))
    );
  } catch {
    return false;
  }
};

/**
 * Answers through the interaction's `response_url` with @slack/webhook (a response URL takes
 * the same JSON an incoming webhook does, plus `replace_original` and `response_type`). One
 * attempt, no retries: a late answer is worse than none, the ledger holds the truth.
 */
export class ResponseUrlReplies implements SlackReplies {
  constructor(private readonly options: ResponseUrlOptions) {}

  async reply(responseUrl: string, reply: SlackReply): Promise<void> {
    if (!isSlackResponseUrl(responseUrl, this.options.allowLoopback)) {
      throw new Error('the response_url is not a Slack response URL; not answered');
    }
    const { timeoutMs } = this.options;
    const timeout = Math.floor(typeof timeoutMs === 'number' ? timeoutMs : timeoutMs());
    // axios takes a timeout of 0 as none at all.
    if (timeout <= 0) throw new Error('no time left to answer through the response_url; not answered');
    // Loaded at the first reply, not with the function: only clicks reply.
    const { IncomingWebhook } = await import('@slack/webhook');
    const webhook = new IncomingWebhook(responseUrl, { timeout });
    const message: IncomingWebhookSendArguments & Record<string, unknown> = {
      text: reply.text,
      ...(reply.blocks
        ? { blocks: reply.blocks as NonNullable<IncomingWebhookSendArguments['blocks']> }
        : {}),
      replace_original: reply.replaceOriginal,
      response_type: reply.ephemeral ? 'ephemeral' : 'in_channel',
    };
    await webhook.send(message);
  }
}
