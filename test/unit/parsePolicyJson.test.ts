import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { parsePolicy } from '../../lib/policyFile/parsePolicy';
import * as yamlModule from '../../lib/policyFile/yamlModule';

vi.mock('../../lib/policyFile/yamlModule', { spy: true });

const YAML_TEXT = readFileSync(new URL('../../examples/policy.yaml', import.meta.url), 'utf8');

const policyFrom = (text: string) => {
  const result = parsePolicy(text, 'policy');
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.policy;
};

describe('parsePolicy: a JSON policy', () => {
  beforeEach(() => vi.mocked(yamlModule.yamlModule).mockClear());

  it('is read without the YAML parser when it is valid, as YAML would read it', () => {
    const fromYaml = policyFrom(YAML_TEXT);
    expect(yamlModule.yamlModule).toHaveBeenCalled();
    vi.mocked(yamlModule.yamlModule).mockClear();
    const asJson = (parse(YAML_TEXT) as unknown) ?? {};
    expect(policyFrom(JSON.stringify(asJson, null, 2))).toEqual(fromYaml);
    expect(policyFrom('{}')).toEqual(policyFrom(''));
    expect(yamlModule.yamlModule).toHaveBeenCalledTimes(1); // by the empty YAML document only
  });

  it('is read by the YAML parser when it is invalid, so its errors have their lines', () => {
    const result = parsePolicy('{\n  "version": 1,\n  "dryRun": "no"\n}', 'policy.json');
    expect(result).toMatchObject({ ok: false, errors: [{ line: 3, path: 'dryRun' }] });
    expect(yamlModule.yamlModule).toHaveBeenCalled();
  });

  it('with a key written twice is refused, as YAML refuses it', () => {
    const result = parsePolicy('{"dryRun": true, "dryRun": false}', 'policy.json');
    expect(result).toMatchObject({
      ok: false,
      errors: [{ line: 1, message: expect.stringMatching(/unique/) }],
    });
  });
});
