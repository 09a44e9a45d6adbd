import { describe, expect, it } from 'vitest';
import { startSlackSink } from '../../devtools/local/slackSink';
import { startSnsSink } from '../../devtools/local/snsSink';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:poolwarden-local';

const publish = (endpoint: string, fields: Record<string, string>) =>
  fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('the local sinks without history (a bulk replay)', () => {
  it.each([true, false])(
    'SNS, keepHistory %s: answers alike, keeps requests only when asked',
    async (keep) => {
      const sink = await startSnsSink({ keepHistory: keep });
      try {
        const sent = await publish(sink.endpoint, { Action: 'Publish', TopicArn: TOPIC, Message: 'hello' });
        expect(sent.status).toBe(200);
        expect(await sent.text()).toContain('<MessageId>');
        // Still refused as SNS would: the checks do not depend on the history.
        const refused = await publish(sink.endpoint, {
          Action: 'Publish',
          TopicArn: TOPIC,
          Message: 'x',
          Subject: '',
        });
        expect(refused.status).toBe(400);
        expect(sink.published).toHaveLength(keep ? 1 : 0);
        expect(sink.requests).toHaveLength(keep ? 2 : 0);
      } finally {
        await sink.close();
      }
    },
  );

  it.each([true, false])(
    'Slack, keepHistory %s: answers alike, keeps posts only when asked',
    async (keep) => {
      const sink = await startSlackSink({ keepHistory: keep });
      try {
        const sent = await post(sink.webhookUrl, { text: 'hello' });
        expect(sent.status).toBe(200);
        expect(await sent.text()).toBe('ok');
        const refused = await post(sink.webhookUrl, { text: '' });
        expect(refused.status).toBe(400);
        expect(sink.messages).toHaveLength(keep ? 1 : 0);
        expect(sink.requests).toHaveLength(keep ? 2 : 0);
      } finally {
        await sink.close();
      }
    },
  );
});
