import { describe, expect, it } from 'vitest';
import { matchesGlob } from '../../lib/domain/policy/glob';
import type { Policy } from '../../lib/domain/policy/policy';
import { type RuleSubject, selectRule } from '../../lib/domain/policy/ruleSelection';
import { formatPolicyErrors, parsePolicy } from '../../lib/policyFile/parsePolicy';
import { type Overrides, withOverrides } from '../support/overrides';

const policy = ((): Policy => {
  const result = parsePolicy(
    `
rules:
  - name: pinned
    match: { tags: ["poolwarden:pinned"] }
  - name: nightly-big
    match:
      tags: ["workload=nightly"]
      instanceTypes: ["ml.p4d.*", "ml.p5.*"]
  - name: nightly
    match: { tags: ["workload=nightly"] }
  - name: vision
    match: { teams: [vision, vision-research] }
  - name: alice
    match: { owners: [alice] }
  - name: small-gpus
    match: { instanceTypes: ["ml.g5.?xlarge"] }
`,
    'rules.yaml',
  );
  if (!result.ok) throw new Error(formatPolicyErrors(result.errors));
  return result.policy;
})();

const subject = (over: Overrides<RuleSubject> = {}): RuleSubject =>
  withOverrides<RuleSubject>(
    {
      tags: {},
      instanceType: 'ml.m5.xlarge',
    },
    over,
  );

describe('selectRule', () => {
  it.each([
    ['a tag that exists, whatever its value', subject({ tags: { 'poolwarden:pinned': '' } }), 'pinned'],
    [
      'the first of two matching rules',
      subject({ tags: { 'poolwarden:pinned': 'x', workload: 'nightly' } }),
      'pinned',
    ],
    [
      'every criterion of a rule must hold',
      subject({ tags: { workload: 'nightly' }, instanceType: 'ml.p4d.24xlarge' }),
      'nightly-big',
    ],
    ['a later rule when one criterion fails', subject({ tags: { workload: 'nightly' } }), 'nightly'],
    ['a tag value must be equal', subject({ tags: { workload: 'nightly-2' } }), 'defaults'],
    ['any listed team', subject({ team: 'vision-research' }), 'vision'],
    ['an owner', subject({ owner: 'alice', team: 'nlp' }), 'alice'],
    ['a glob with ?', subject({ instanceType: 'ml.g5.4xlarge' }), 'small-gpus'],
    ['no glob match for a two-digit size', subject({ instanceType: 'ml.g5.12xlarge' }), 'defaults'],
    ['nothing: the defaults', subject(), 'defaults'],
    ['an unknown instance type never matches a glob', subject({ instanceType: undefined }), 'defaults'],
  ] as const)('picks %s', (_label, pool, expected) => {
    expect(selectRule(policy, pool).name).toBe(expected);
  });

  it('says why a rule was chosen', () => {
    const chosen = selectRule(
      policy,
      subject({ tags: { workload: 'nightly' }, instanceType: 'ml.p5.48xlarge' }),
    );
    expect(chosen.matchedBy).toBe('tag workload=nightly, instance type ml.p5.48xlarge ~ ml.p5.*');
    expect(selectRule(policy, subject()).matchedBy).toBe('no rule matched');
    expect(selectRule(policy, subject()).settings).toBe(policy.defaults);
  });
});

describe('instance-type globs', () => {
  it.each([
    ['ml.p4d.*', 'ml.p4d.24xlarge', true],
    ['ml.p4d.*', 'ml.p4de.24xlarge', false], // the dot is literal
    ['ml.p4d*', 'ml.p4de.24xlarge', true],
    ['ml.g5.?xlarge', 'ml.g5.2xlarge', true],
    ['ml.g5.xlarge', 'mlXg5Xxlarge', false],
    ['*', 'anything', true],
  ])('%s ~ %s is %s', (glob, type, expected) => {
    expect(matchesGlob(glob, type)).toBe(expected);
  });
});
