import { afterEach, describe, expect, it } from 'vitest';
import { defaultProvider } from '../../lib/wiring/lambdaCredentials';
import { FUNCTIONS, functionBundle, keptInputs } from '../support/functionBundles';

const ENV_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;
const saved = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

afterEach(() => {
  for (const key of ENV_KEYS) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

describe("the Lambda bundles' credentials", () => {
  it("are the function role's, from the environment Lambda sets", async () => {
    process.env.AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_SESSION_TOKEN = 'token';
    await expect(defaultProvider()()).resolves.toMatchObject({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
    for (const key of ENV_KEYS) delete process.env[key];
    await expect(defaultProvider()()).rejects.toThrow(/environment variable credentials/);
  });

  it("replace the SDK's whole default chain in every function's bundle, as serverless.yml builds it", async () => {
    for (const name of FUNCTIONS) {
      const kept = keptInputs(await functionBundle(name));
      expect(kept, name).toContain('lib/wiring/lambdaCredentials.ts');
      const chain = kept.filter((file) =>
        /@aws-sdk\/credential-provider-(node|ini|sso|process|web-identity|http|login)\//.test(file),
      );
      expect(chain, name).toEqual([]);
    }
  }, 120_000);
});
