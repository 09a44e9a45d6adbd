import type { FetchFunction } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { SlackBotChannel } from '../../lib/adapters/slack/slackBotChannel';
import type { SlackEnvelope } from '../../lib/notify/envelope';

type FetchResponse = Awaited<ReturnType<FetchFunction>>;

const answer = (body: object): FetchResponse => new Response(JSON.stringify(body), { status: 200 });

/** A Slack Web API that knows alice's address and never answers a post until its call is aborted. */
const slowSlack = () => {
  const signals: AbortSignal[] = [];
  let postReached: () => void = () => {};
  const posting = new Promise<void>((resolve) => {
    postReached = resolve;
  });
  const fetch: FetchFunction = async (url, init) => {
    const signal = init?.signal;
    if (!signal) throw new Error('a call without a time limit');
    signals.push(signal);
    if (String(url).endsWith('/users.lookupByEmail')) return answer({ ok: true, user: { id: 'U0ALICE' } });
    postReached();
    return new Promise<FetchResponse>((_, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason));
    });
  };
  return { fetch, signals, posting };
};

const toAlice: SlackEnvelope = {
  channel: 'slack',
  to: { via: 'email', email: 'alice@example.com', fallbackChannel: 'C0PLATFORM' },
  text: 'Warm pool of train-1 available',
  blocks: [],
};

describe('SlackBotChannel', () => {
  it("ends an attempt's e-mail look-up and its post together, when the attempt's time is up", async () => {
    const slack = slowSlack();
    const attempt = new AbortController();
    const channel = new SlackBotChannel({
      secrets: () => ({ botToken: 'xoxb-test' }),
      defaultChannel: 'C0PLATFORM',
      dmByEmail: true,
      attemptTimeoutMs: 4_000,
      attemptLimit: () => attempt.signal,
      fetch: slack.fetch,
    });
    const sending = channel.send(toAlice);
    await slack.posting;
    // The look-up took its share of the attempt: the post has only what is left, not a timeout of its own.
    expect(slack.signals.map((s) => s.aborted)).toEqual([false, false]);
    attempt.abort(new DOMException('the attempt took its whole timeout', 'TimeoutError'));
    expect(slack.signals.map((s) => s.aborted)).toEqual([true, true]);
    await expect(sending).rejects.toMatchObject({ retryable: true });
  });

  it('gives each attempt a limit of its own', async () => {
    const limits: AbortController[] = [];
    const sent: string[] = [];
    const channel = new SlackBotChannel({
      secrets: () => ({ botToken: 'xoxb-test' }),
      defaultChannel: 'C0PLATFORM',
      dmByEmail: false,
      attemptTimeoutMs: 4_000,
      attemptLimit: () => {
        const limit = new AbortController();
        limits.push(limit);
        return limit.signal;
      },
      fetch: async (url, init) => {
        sent.push(`${String(url).split('/').pop()} ${init?.signal?.aborted ? 'aborted' : 'open'}`);
        return answer({ ok: true, channel: 'C0PLATFORM', ts: '1' });
      },
    });
    await channel.send({ ...toAlice, to: { via: 'channel', channel: 'C0PLATFORM' } });
    limits[0]?.abort();
    await channel.send({ ...toAlice, to: { via: 'channel', channel: 'C0PLATFORM' } });
    expect(limits).toHaveLength(2);
    expect(sent).toEqual(['chat.postMessage open', 'chat.postMessage open']);
  });
});
