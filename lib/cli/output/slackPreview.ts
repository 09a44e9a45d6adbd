import type { SlackBlock } from '../../notify/messages/blockKit';

/** One Slack message of a run, as the notifier sent it. */
export interface PreviewMessage {
  readonly atMs: number;
  /** Where it went: the webhook's channel, a channel, or an owner's DM. */
  readonly to: string;
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

const html = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** Slack's mrkdwn escapes only these three: undo them before escaping for HTML. */
const unslack = (text: string): string =>
  text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');

/** The emoji codes poolwarden's messages use, as Slack draws them; any other code stays as typed. */
const EMOJI: Readonly<Record<string, string>> = {
  arrows_counterclockwise: '\u{1F504}',
  black_square_for_stop: '\u23F9\uFE0F',
  hourglass_flowing_sand: '\u23F3',
  information_source: '\u2139\uFE0F',
  large_green_circle: '\u{1F7E2}',
  no_entry_sign: '\u{1F6AB}',
  octagonal_sign: '\u{1F6D1}',
  test_tube: '\u{1F9EA}',
  warning: '\u26A0\uFE0F',
  white_check_mark: '\u2705',
  x: '\u274C',
  sunny: '\u2600\uFE0F',
  zzz: '\u{1F4A4}',
};
const emoji = (escaped: string): string =>
  escaped.replace(/:([a-z_]+):/g, (code, name: string) => EMOJI[name] ?? code);

/** Bold, italic and strike, on text already escaped for HTML (Slack's markers are single characters). */
const emphasis = (escaped: string): string =>
  emoji(escaped)
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, '$1<b>$2</b>')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/g, '$1<i>$2</i>')
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,:;!?])/g, '$1<s>$2</s>');

/** One line of mrkdwn as Slack shows it: code spans, links, mentions, emphasis (which may enclose them). */
const inline = (line: string): string => {
  // Code spans and links become placeholders, so that emphasis around them still pairs up.
  const tokens: string[] = [];
  const hold = (rendered: string) => `\uE000${tokens.push(rendered) - 1}\uE000`;
  const held = line.replace(/`([^`]*)`|<([^>|]+)(?:\|([^>]*))?>/g, (whole, codeText, target, label) => {
    if (codeText !== undefined) return hold(`<code>${html(unslack(codeText))}</code>`);
    if (target.startsWith('@') || target.startsWith('#'))
      return hold(
        `<span class="mention">${html(target.startsWith('#') ? `#${label ?? target.slice(1)}` : `@${target.slice(1)}`)}</span>`,
      );
    if (/^https?:\/\//.test(target))
      return hold(`<a href="${html(target)}">${emphasis(html(unslack(label ?? target)))}</a>`);
    return hold(html(whole));
  });
  return emphasis(html(unslack(held))).replace(
    /\uE000(\d+)\uE000/g,
    (_, i: string) => tokens[Number(i)] ?? '',
  );
};

/** A mrkdwn text as HTML: one line each, `>` lines as quotes. */
export const mrkdwnToHtml = (text: string): string =>
  text
    .split('\n')
    .map((line) =>
      /^(>|&gt;) ?/.test(line)
        ? `<blockquote>${inline(line.replace(/^(>|&gt;) ?/, ''))}</blockquote>`
        : `<div class="line">${inline(line) || '&nbsp;'}</div>`,
    )
    .join('');

const block = (b: SlackBlock): string => {
  switch (b.type) {
    case 'section':
      return `<div class="section">${mrkdwnToHtml(b.text.text)}</div>`;
    case 'context':
      return `<div class="context">${b.elements.map((e) => `<span>${mrkdwnToHtml(e.text)}</span>`).join('')}</div>`;
    case 'actions':
      return `<div class="actions">${b.elements
        .map((e) => {
          const confirm = e.confirm
            ? ` title="${html(`${e.confirm.title.text}: ${unslack(e.confirm.text.text)}`)}"`
            : '';
          return `<button class="button ${e.style ?? 'default'}" data-action-id="${html(e.action_id)}"${confirm}>${html(e.text.text)}</button>`;
        })
        .join('')}</div>`;
  }
};

const STYLE = `
body{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;background:#f8f8f8;color:#1d1c1d;margin:0;padding:24px}
h1{font-size:18px;margin:0 0 4px}p.note{color:#616061;font-size:13px;margin:0 0 16px}
.message{background:#fff;border:1px solid #e2e2e2;border-radius:8px;padding:12px 16px;margin:0 0 12px;max-width:720px;display:flex;gap:10px}
.avatar{width:36px;height:36px;border-radius:6px;background:#611f69;color:#fff;font-weight:700;display:flex;align-items:center;justify-content:center;flex:none}
.body{flex:1;min-width:0}.head{font-size:13px;color:#616061;margin-bottom:4px}.head b{color:#1d1c1d;font-size:15px;margin-right:6px}
.app{background:#e8e8e8;border-radius:3px;padding:0 3px;font-size:10px;margin-right:6px}
.section{font-size:15px;line-height:1.45;margin:4px 0;overflow-wrap:anywhere}
.context{font-size:12px;color:#616061;margin:4px 0;display:flex;flex-wrap:wrap;gap:8px}
blockquote{border-left:4px solid #ddd;margin:2px 0;padding-left:8px;color:#444}
code{font-family:Monaco,Menlo,Consolas,monospace;font-size:12px;background:#f6f6f6;border:1px solid #e0e0e0;border-radius:3px;padding:0 3px;color:#e01e5a}
.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}a{color:#1264a3}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0 2px}
.button{font-size:13px;font-weight:700;border-radius:4px;padding:4px 12px;border:1px solid #bbb;background:#fff;color:#1d1c1d;cursor:default}
.button.primary{background:#007a5a;border-color:#007a5a;color:#fff}.button.danger{background:#fff;border-color:#e01e5a;color:#e01e5a}
.fallback{font-size:11px;color:#999;margin-top:6px}`;

/**
 * Every Slack message of a run, laid out as Slack shows it (sections, context, buttons), in
 * one self-contained HTML page: no script, no external style, font or image.
 */
export const slackPreviewHtml = (messages: readonly PreviewMessage[], title: string): string => {
  const cards = messages
    .map(
      (m) => `<div class="message"><div class="avatar">pw</div><div class="body">
<div class="head"><b>poolwarden</b><span class="app">APP</span><time>${html(new Date(m.atMs).toISOString().replace('T', ' ').slice(0, 16))} UTC</time> → ${html(m.to)}</div>
${m.blocks.map(block).join('\n')}
<div class="fallback">notification text: ${html(m.text)}</div>
</div></div>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${html(title)}</title><style>${STYLE}</style></head>
<body><h1>${html(title)}</h1><p class="note">${messages.length} Slack message${messages.length === 1 ? '' : 's'}, as their owners see them. Buttons are shown, not live.</p>
${cards}
</body></html>
`;
};
