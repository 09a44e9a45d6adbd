import type { FetchFunction } from '@slack/webhook';
import { permanentFailure } from '../../notify/deliveryError';
import type { Envelope, SlackEnvelope } from '../../notify/envelope';
import type { RenderedMessage } from '../../notify/messages/draft';
import type { NotificationChannel } from '../../notify/notificationChannel';
import { redactSecrets, type SlackSecrets } from '../../notify/slackSecrets';
import { webhookFailure } from './slackFailures';

export interface SlackWebhookOptions {
  /** Read on every send: the URL arrives with each invocation's context. */
  readonly secrets: () => SlackSecrets;
  readonly attemptTimeoutMs: number;
  readonly fetch?: FetchFunction;
}

/**
 * Posts to one incoming webhook, hence one channel, whoever the owner is (the message names
 * them). IncomingWebhook does not retry by default and does not expose Retry-After: a
 * fetch wrapper reads the header so the notifier's retry loop can honour it.
 */
export class SlackWebhookChannel implements NotificationChannel {
  readonly name = 'slack' as const;

  constructor(private readonly options: SlackWebhookOptions) {}

  address(message: RenderedMessage): SlackEnvelope {
    return { channel: 'slack', to: { via: 'webhook' }, text: message.text, blocks: message.blocks };
  }

  async send(envelope: Envelope): Promise<void> {
    if (envelope.channel !== 'slack') throw permanentFailure(`not a Slack message: ${envelope.channel}`);
    const secrets = this.options.secrets();
    const url = secrets.webhookUrl;
    if (!url) throw permanentFailure('no Slack webhook URL: is its SSM parameter set and fetched?');
    const fetchFn: FetchFunction = this.options.fetch ?? globalThis.fetch;
    const seen: { retryAfter: string | null } = { retryAfter: null };
    // Loaded at the first message, not with the function: most invocations send none.
    const { IncomingWebhook } = await import('@slack/webhook');
    const webhook = new IncomingWebhook(url, {
      timeout: this.options.attemptTimeoutMs,
      retryConfig: { retries: 0 },
      fetch: async (target, init) => {
        const response = await fetchFn(target, init);
        seen.retryAfter = response.headers.get('retry-after');
        return response;
      },
    });
    try {
      await webhook.send({ text: envelope.text, blocks: [...envelope.blocks], unfurl_links: false });
    } catch (error) {
      throw webhookFailure(error, seen.retryAfter, (text) => redactSecrets(text, secrets));
    }
  }
}
