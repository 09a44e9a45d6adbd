import { DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { describe, expect, it, vi } from 'vitest';
import { inProcessTransport } from '../../devtools/local/runtime/inProcessHandler';
import { documentClient, sageMakerClient } from '../../lib/adapters/awsClients';
import { SageMakerTrainingJobs } from '../../lib/adapters/sagemaker/sageMakerTrainingJobs';
import { snsClient } from '../../lib/adapters/sns/snsClient';

const names = (client: { middlewareStack: { identify(): string[] } }) =>
  client.middlewareStack.identify().join(' ');

describe('AWS clients', () => {
  it('keep the whole middleware stack unless their transport says otherwise', () => {
    expect(names(documentClient({ region: 'us-east-1' }))).toContain('getUserAgentMiddleware');
    expect(names(sageMakerClient({ region: 'us-east-1' }))).toContain('getUserAgentMiddleware');
  });

  it('drop only what the in-process transport makes pointless, keeping retries and signing', () => {
    const transport = inProcessTransport(() => ({ status: 200, headers: {}, body: '{}' }));
    for (const client of [
      documentClient({ region: 'us-east-1', transport }),
      sageMakerClient({ region: 'us-east-1', transport }),
      snsClient({ region: 'us-east-1', attemptTimeoutMs: 1000, transport }),
    ]) {
      const stack = names(client);
      expect(stack).not.toContain('getUserAgentMiddleware');
      expect(stack).not.toContain('hostHeaderMiddleware');
      expect(stack).toContain('retryMiddleware');
      expect(stack).toContain('httpSigningMiddleware');
    }
  });

  it('send each call its own input when the middleware stack is resolved once per command class', async () => {
    const asked: string[] = [];
    const transport = inProcessTransport(
      (request) => {
        const name = (JSON.parse(request.body) as { TrainingJobName: string }).TrainingJobName;
        asked.push(name);
        return { status: 200, headers: {}, body: JSON.stringify({ TrainingJobName: name }) };
      },
      { cacheMiddleware: true },
    );
    const client = sageMakerClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      transport,
    });
    const answers = await Promise.all(
      ['a', 'b', 'c'].map((name) => client.send(new DescribeTrainingJobCommand({ TrainingJobName: name }))),
    );
    expect(answers.map((a) => a.TrainingJobName)).toEqual(['a', 'b', 'c']);
    expect(asked).toEqual(['a', 'b', 'c']);
    expect(client.config.cacheMiddleware).toBe(true);
  });

  it('let the SageMaker adapter reuse the cached chain for calls without a deadline', async () => {
    const transport = inProcessTransport(
      (request) => ({
        status: 200,
        headers: {},
        body: JSON.stringify({
          TrainingJobName: (JSON.parse(request.body) as { TrainingJobName: string }).TrainingJobName,
        }),
      }),
      { cacheMiddleware: true },
    );
    const client = sageMakerClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      transport,
    });
    const resolve = vi.spyOn(DescribeTrainingJobCommand.prototype, 'resolveMiddleware');
    try {
      const jobs = new SageMakerTrainingJobs(client);
      for (const name of ['a', 'b', 'c']) expect((await jobs.describe(name))?.name).toBe(name);
      expect(resolve).toHaveBeenCalledTimes(1);
    } finally {
      resolve.mockRestore();
    }
  });
});
