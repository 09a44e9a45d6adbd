/**
 * Slack's mrkdwn, written once per message and turned into plain text for email, so the two
 * renderings of a message cannot say different things.
 */

/** Text from outside (failure reasons, tag values) must not be read as Slack markup. */
export const escapeMrkdwn = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** An inline code span; a backtick inside would end it early. */
export const code = (text: string): string => `\`${escapeMrkdwn(text.replaceAll('`', "'"))}\``;

/** A Slack link; `label` is already mrkdwn. */
export const link = (url: string, label: string): string => `<${url}|${label}>`;

/** Keeps failure reasons readable on a phone. */
export const truncate = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

const unescapeEntities = (text: string): string =>
  text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');

/** Markup outside code spans: links, mentions, bold, italics, quotes and bullets. */
const plainOutsideCode = (text: string): string =>
  text
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<#([A-Z0-9]+)(?:\|([^>]+))?>/g, (_, id: string, name?: string) => `#${name ?? id}`)
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,:;!?]|$)/g, '$1$2')
    .replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,:;!?]|$)/g, '$1$2')
    .replace(/^> ?/gm, '  ')
    // "•" escaped: esbuild leaves a regular expression as written, and one character beyond
    // ASCII makes the whole Lambda bundle two-byte text, slower for node to decode and V8 to scan.
    .replace(/^\u2022 /gm, '- ');

/**
 * Code spans are set aside first (as private-use placeholders): their content is literal, and
 * bold may wrap one (*`job` ended*).
 */
export const toPlainText = (text: string): string => {
  const spans: string[] = [];
  const marked = text.replace(
    /`([^`\n]*)`/g,
    (_, content: string) => `\ue000${spans.push(content) - 1}\ue001`,
  );
  return unescapeEntities(
    plainOutsideCode(marked).replace(/\ue000(\d+)\ue001/g, (_, i: string) => spans[Number(i)] ?? ''),
  );
};
