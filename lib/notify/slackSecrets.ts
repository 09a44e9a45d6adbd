/**
 * The Slack secrets: the webhook URL or the bot token. In Lambda they come from SSM Parameter
 * Store SecureStrings through @middy/ssm, which caches them and puts them on the context; a
 * local run may give them in the environment instead. They are never logged: every error
 * text that could contain one goes through `redactSecrets`.
 */
export interface SlackSecrets {
  readonly webhookUrl?: string;
  readonly botToken?: string;
}

/**
 * Holds the current secrets for clients built once per container: the handler sets them on
 * each invocation (middy only hands them over with the context). Private, so that logging
 * the holder shows nothing.
 */
export class SlackSecretsHolder {
  #secrets: SlackSecrets;

  constructor(initial: SlackSecrets = {}) {
    this.#secrets = initial;
  }

  set(secrets: SlackSecrets): void {
    this.#secrets = secrets;
  }

  get(): SlackSecrets {
    return this.#secrets;
  }
}

export const isLoopbackUrl = (url: URL): boolean =>
  url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

const REDACTED = '[redacted]';

/** Removes the secrets, and anything shaped like a webhook URL or a Slack token, from a text. */
export const redactSecrets = (text: string, secrets: SlackSecrets): string => {
  let out = text;
  for (const secret of [secrets.webhookUrl, secrets.botToken]) {
    if (secret) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(/https:\/\/hooks\.slack\.com\/[^\s"')]+/g, REDACTED)
    .replace(/xox[abeoprs]-[\w-]+/g, REDACTED);
};
