import type { FetchFunction, WebClient } from '@slack/web-api';
import { permanentFailure } from '../../notify/deliveryError';
import type { Envelope, SlackAddress, SlackEnvelope } from '../../notify/envelope';
import type { RenderedMessage } from '../../notify/messages/draft';
import type { NotificationChannel } from '../../notify/notificationChannel';
import type { Recipient } from '../../notify/recipient';
import { redactSecrets, type SlackSecrets } from '../../notify/slackSecrets';
import { type AttemptLimit, attemptLimitOf } from '../attemptLimit';
import { fetchWithin } from './fetchWithin';
import { isSlackError, webApiFailure } from './slackFailures';

export interface SlackBotOptions {
  /** Read on every send: the token arrives with each invocation's context. */
  readonly secrets: () => SlackSecrets;
  readonly defaultChannel: string;
  readonly dmByEmail: boolean;
  /** Another Web API base URL (the local Slack sink); Slack's own by default. */
  readonly apiUrl?: string;
  /** How long one attempt may take, its e-mail look-up and its post together. */
  readonly attemptTimeoutMs: number;
  /** Each attempt's limit; by default `attemptTimeoutMs` from the attempt's start. */
  readonly attemptLimit?: AttemptLimit;
  readonly fetch?: FetchFunction;
}

/**
 * chat.postMessage with a bot token: to the job's channel tag, the owner's Slack user, the
 * owner's DM found by email, or the default channel. The client's own retries are off and
 * rate limits are rejected rather than slept through: its waits cannot be bounded by the
 * Lambda's time nor observed by tests, so the notifier's retry loop does both. An attempt's
 * calls share its time limit (attemptLimit.ts): each attempt has a client of its own, whose
 * fetch ends with the attempt.
 */
export class SlackBotChannel implements NotificationChannel {
  readonly name = 'slack' as const;
  /** The token the user ids below were looked up with. */
  private token: string | undefined;
  /** Owners' user ids by email, for the container's life (null: not a Slack user). */
  private readonly usersByEmail = new Map<string, string | null>();
  private readonly attemptLimit: AttemptLimit;

  constructor(private readonly options: SlackBotOptions) {
    this.attemptLimit = options.attemptLimit ?? attemptLimitOf(options.attemptTimeoutMs);
  }

  address(message: RenderedMessage, recipient: Recipient): SlackEnvelope {
    return { channel: 'slack', to: this.addressOf(recipient), text: message.text, blocks: message.blocks };
  }

  private addressOf(recipient: Recipient): SlackAddress {
    if (recipient.slackChannel) return { via: 'channel', channel: recipient.slackChannel };
    // A user id as the channel posts in the app's DM with that user.
    if (recipient.slackUser) return { via: 'channel', channel: recipient.slackUser };
    if (this.options.dmByEmail && recipient.email) {
      return { via: 'email', email: recipient.email, fallbackChannel: this.options.defaultChannel };
    }
    return { via: 'channel', channel: this.options.defaultChannel };
  }

  async send(envelope: Envelope): Promise<void> {
    if (envelope.channel !== 'slack') throw permanentFailure(`not a Slack message: ${envelope.channel}`);
    const secrets = this.options.secrets();
    const token = secrets.botToken;
    if (!token) throw permanentFailure('no Slack bot token: is its SSM parameter set and fetched?');
    const web = await this.clientWithin(token, this.attemptLimit());
    try {
      await web.chat.postMessage({
        channel: await this.channelFor(web, envelope.to),
        text: envelope.text,
        blocks: [...envelope.blocks],
        unfurl_links: false,
        unfurl_media: false,
      });
    } catch (error) {
      throw webApiFailure(error, (text) => redactSecrets(text, secrets));
    }
  }

  /** A client for one attempt: each of its calls ends when `limit` does. */
  private async clientWithin(token: string, limit: AbortSignal): Promise<WebClient> {
    if (this.token !== token) {
      this.token = token;
      this.usersByEmail.clear();
    }
    // Loaded at the first message, not with the function: most invocations send none.
    const { LogLevel, WebClient } = await import('@slack/web-api');
    return new WebClient(token, {
      ...(this.options.apiUrl ? { slackApiUrl: this.options.apiUrl } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      fetch: fetchWithin(this.options.fetch ?? globalThis.fetch, limit),
      logLevel: LogLevel.ERROR,
    });
  }

  private async channelFor(web: WebClient, to: SlackAddress): Promise<string> {
    switch (to.via) {
      case 'channel':
        return to.channel;
      case 'webhook':
        // A dead letter from webhook mode replayed after switching to a bot.
        return this.options.defaultChannel;
      case 'email':
        return (await this.userByEmail(web, to.email)) ?? to.fallbackChannel;
    }
  }

  private async userByEmail(web: WebClient, email: string): Promise<string | undefined> {
    const known = this.usersByEmail.get(email);
    if (known !== undefined) return known ?? undefined;
    try {
      const result = await web.users.lookupByEmail({ email });
      const id = result.user?.id ?? null;
      this.usersByEmail.set(email, id);
      return id ?? undefined;
    } catch (error) {
      if (isSlackError(error, 'webApiPlatform') && error.data.error === 'users_not_found') {
        this.usersByEmail.set(email, null);
        return undefined;
      }
      throw error;
    }
  }
}
