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

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The forms a known secret takes in a text: as is, URL-encoded (once or twice), without its scheme. */
const secretForms = (secret: string): string[] => {
  const once = encodeURIComponent(secret);
  const forms = [
    secret,
    once,
    encodeURIComponent(once),
    encodeURI(secret),
    secret.replace(/^[a-z]+:\/\//i, ''),
  ];
  return [...new Set(forms)].filter((form) => form.length >= 8).sort((a, b) => b.length - a.length);
};

/**
 * A Slack webhook URL in any spelling: http or https or no scheme, any case, URL-encoded
 * (`https%3A%2F%2Fhooks.slack.com%2F…`), with its path up to the next delimiter.
 */
const WEBHOOK_URL = /(?:https?(?::|%3A)(?:\/|%2F){2})?hooks\.slack\.com(?:\/|%2F)[^\s"'()<>,;]*/gi;

/** Slack tokens: xoxb- xoxp- xoxa- xoxe- xoxo- xoxr- xoxs- xoxc- xoxd-, refresh `xoxe.xoxp-`, app-level `xapp-`. */
const SLACK_TOKEN = /\bx(?:ox[a-z](?:\.xox[a-z])?|app)-[A-Za-z0-9-]+/gi;

/** Removes the secrets, and anything shaped like a webhook URL or a Slack token, from a text. */
export const redactSecrets = (text: string, secrets: SlackSecrets): string => {
  let out = text;
  for (const secret of [secrets.webhookUrl, secrets.botToken]) {
    if (!secret) continue;
    for (const form of secretForms(secret)) out = out.replace(new RegExp(escapeRegExp(form), 'gi'), REDACTED);
  }
  return out.replace(WEBHOOK_URL, REDACTED).replace(SLACK_TOKEN, REDACTED);
};
