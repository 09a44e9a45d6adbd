import { PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SnsEmailChannel, snsFailure } from '../../lib/adapters/sns/snsEmailChannel';
import { DeliveryError } from '../../lib/notify/deliveryError';
import type { RenderedMessage } from '../../lib/notify/messages/draft';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:poolwarden-mail';
const sns = mockClient(SNSClient);
afterEach(() => sns.reset());

const message: RenderedMessage = {
  kind: 'pool-available',
  job: 'train-42',
  text: 'Warm pool of train-42 available until 14:30 CEST (in 30 min)',
  blocks: [],
  email: { subject: '[poolwarden] Warm pool of train-42 available', body: 'body text' },
};
const channel = () =>
  new SnsEmailChannel(new SNSClient({}), {
    topicArn: TOPIC,
    defaultOwner: 'unowned',
    attemptTimeoutMs: 4_000,
  });

const serviceError = (name: string, status: number) =>
  new SNSServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: name,
  });

describe('SnsEmailChannel', () => {
  it('publishes once to the topic with owner, team, email, kind and job attributes for filter policies', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const c = channel();
    const envelope = c.address(message, {
      owner: 'alice',
      team: 'vision',
      email: 'alice@example.com',
      timeZone: 'UTC',
      unowned: false,
    });
    await c.send(envelope);
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input)).toEqual([
      {
        TopicArn: TOPIC,
        Subject: '[poolwarden] Warm pool of train-42 available',
        Message: 'body text',
        MessageAttributes: {
          owner: { DataType: 'String', StringValue: 'alice' },
          kind: { DataType: 'String', StringValue: 'pool-available' },
          job: { DataType: 'String', StringValue: 'train-42' },
          team: { DataType: 'String', StringValue: 'vision' },
          email: { DataType: 'String', StringValue: 'alice@example.com' },
        },
      },
    ]);
  });

  it('marks a job without owner with the default owner, which ops subscribe to', () => {
    const envelope = channel().address(message, { timeZone: 'UTC', unowned: true });
    expect(envelope.attributes).toEqual({ owner: 'unowned', kind: 'pool-available', job: 'train-42' });
  });

  it('reports throttling, 5xx and timeouts as worth a retry, the rest not', async () => {
    sns.on(PublishCommand).rejectsOnce(serviceError('InternalErrorException', 500));
    const c = channel();
    const envelope = c.address(message, { timeZone: 'UTC', unowned: true });
    await expect(c.send(envelope)).rejects.toMatchObject({ retryable: true });

    expect(snsFailure(serviceError('ThrottledException', 400)).retryable).toBe(true);
    expect(snsFailure(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })).retryable).toBe(
      true,
    );
    expect(snsFailure(serviceError('AuthorizationErrorException', 403)).retryable).toBe(false);
    expect(snsFailure(serviceError('NotFoundException', 404))).toBeInstanceOf(DeliveryError);
  });
});
