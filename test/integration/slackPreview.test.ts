import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../lib/cli/exitCodes';
import { mrkdwnToHtml } from '../../lib/cli/output/slackPreview';
import { findChromium, renderDom } from '../support/chromium';
import { runCli } from '../support/runCli';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'poolwarden-preview-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('poolwarden local --slack-preview', () => {
  it('writes every Slack message of the run as Slack lays it out, and Chromium renders it', async () => {
    const file = join(dir, 'slack.html');
    const run = await runCli([
      'local',
      '--trace',
      'examples/reuse-basic.jsonl',
      '--json',
      '--slack-preview',
      file,
    ]);
    expect(run.code).toBe(EXIT.ok);
    const report = JSON.parse(run.out) as { notifications: Array<{ channel: string }> };
    const slackCount = report.notifications.filter((n) => n.channel === 'slack').length;
    expect(slackCount).toBeGreaterThan(0);
    expect(run.err).toContain(`Slack preview: ${slackCount} messages in ${file}`);

    const html = await readFile(file, 'utf8');
    // Self-contained: nothing is loaded from anywhere (links in messages are anchors, not loads).
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/);
    const chromium = findChromium();
    if (!chromium) {
      if (process.env.CI)
        throw new Error('chromium is not installed: .ci/run should apt-get install -y chromium');
      console.warn(
        'chromium is not installed (apt-get install -y chromium): skipped rendering the Slack preview',
      );
      return;
    }
    const dom = await renderDom(chromium, file, dir);
    expect(dom.match(/class="message"/g)?.length).toBe(slackCount);
    expect(dom).toMatch(/class="section"/);
    expect(dom).toMatch(/<b>Warm pool available<\/b>/);
    expect(dom).toMatch(/<code>alice-cold-start<\/code>/);
    expect(dom).toMatch(/<button class="button primary" data-action-id="pool\.extend">Extend<\/button>/);
    expect(dom).toMatch(
      /<button class="button danger" data-action-id="pool\.stop" title="Stop the warm pool\?/,
    );
    expect(dom).not.toMatch(/:large_green_circle:/);
  });

  it('refuses a preview file it cannot write before running anything', async () => {
    const run = await runCli([
      'local',
      '--trace',
      'examples/reuse-basic.jsonl',
      '--slack-preview',
      join(dir, 'no-such-dir', 'slack.html'),
    ]);
    expect(run.code).toBe(EXIT.invalidInput);
    expect(run.err).toBe(
      `poolwarden: cannot write the Slack preview ${join(dir, 'no-such-dir', 'slack.html')}: its folder ${join(dir, 'no-such-dir')} does not exist`,
    );
    expect(run.out).toBe('');
  });
});

describe("Slack's mrkdwn as HTML", () => {
  it('shows code, links, mentions, emphasis and quotes, and escapes everything else', () => {
    expect(
      mrkdwnToHtml('*bold* _it_ `a<b>` <https://x.test/a?b=1&c=2|the *console*> <@U1> &lt;tag&gt; <script>'),
    ).toBe(
      '<div class="line"><b>bold</b> <i>it</i> <code>a&lt;b&gt;</code> <a href="https://x.test/a?b=1&amp;c=2">the <b>console</b></a> <span class="mention">@U1</span> &lt;tag&gt; &lt;script&gt;</div>',
    );
    expect(mrkdwnToHtml('> AlgorithmError: &lt;exit 1&gt;')).toBe(
      '<blockquote>AlgorithmError: &lt;exit 1&gt;</blockquote>',
    );
    expect(mrkdwnToHtml('<javascript:alert(1)|x>')).toBe(
      '<div class="line">&lt;javascript:alert(1)|x&gt;</div>',
    );
  });
});
