import type { WebClient } from '@slack/web-api';
import type { SlackSecrets } from '../../notify/slackSecrets';
import type { SlackDirectory } from '../../ports/slackDirectory';

export interface WebApiDirectoryOptions {
  /** Read on every lookup: the bot token arrives with each invocation's context. */
  readonly secrets: () => SlackSecrets;
  readonly apiUrl?: string;
  readonly timeoutMs: number;
}

/**
 * users.info with the bot token (scope users:read.email) for the clicking user's email, cached
 * for the container's life. Without a bot token there is no lookup: owners are then matched by
 * their Slack user id only.
 */
export class WebApiDirectory implements SlackDirectory {
  private client: { readonly token: string; readonly web: WebClient } | undefined;
  private readonly emails = new Map<string, string | null>();

  constructor(private readonly options: WebApiDirectoryOptions) {}

  async emailOf(userId: string): Promise<string | undefined> {
    const known = this.emails.get(userId);
    if (known !== undefined) return known ?? undefined;
    const token = this.options.secrets().botToken;
    if (!token) return undefined;
    if (this.client?.token !== token) {
      // Loaded at the first look-up, not with the function: only clicks with a bot token look up.
      const { LogLevel, WebClient } = await import('@slack/web-api');
      this.client = {
        token,
        web: new WebClient(token, {
          ...(this.options.apiUrl ? { slackApiUrl: this.options.apiUrl } : {}),
          timeout: this.options.timeoutMs,
          retryConfig: { retries: 0 },
          rejectRateLimitedCalls: true,
          logLevel: LogLevel.ERROR,
        }),
      };
    }
    const answer = await this.client.web.users.info({ user: userId });
    const email = answer.user?.profile?.email;
    this.emails.set(userId, email ?? null);
    return email;
  }
}
