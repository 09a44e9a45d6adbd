import type { CriterionDifference, CriterionName, MatchCriteria } from '../../domain/matchKey';
import { CRITERIA } from '../../domain/matchKey';
import { code } from './mrkdwn';

/** The match criteria in words an owner recognises from the console and the SDK. */
const LABELS: Record<CriterionName, string> = {
  roleArn: 'Role',
  instanceType: 'Instance type',
  instanceCount: 'Instance count',
  volumeSizeInGB: 'Volume size (GB)',
  volumeKmsKeyId: 'Volume KMS key',
  securityGroupIds: 'Security groups',
  subnets: 'Subnets',
  enableNetworkIsolation: 'Network isolation',
  enableInterContainerTrafficEncryption: 'Inter-container encryption',
};

export const criterionLabel = (name: CriterionName): string => LABELS[name];

const isBooleanCriterion = (name: CriterionName): boolean =>
  name === 'enableNetworkIsolation' || name === 'enableInterContainerTrafficEncryption';

const shown = (value: MatchCriteria[CriterionName]): string => {
  if (value === null || (Array.isArray(value) && value.length === 0)) return 'none';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return Array.isArray(value) ? value.join(', ') : String(value);
};

/** matchKey.ts renders a difference as `null`, `[a,b]`, `true`: say it as the criteria list does. */
const shownDifference = (name: CriterionName, rendered: string): string => {
  if (rendered === 'null' || rendered === '[]') return 'none';
  if (isBooleanCriterion(name)) return rendered === 'true' ? 'on' : 'off';
  return rendered.startsWith('[') && rendered.endsWith(']')
    ? rendered.slice(1, -1).replaceAll(',', ', ')
    : rendered;
};

/** The bullet list a new job must match to take the pool over. */
export const criteriaList = (criteria: MatchCriteria): string =>
  CRITERIA.map((name) => `• ${LABELS[name]}: ${code(shown(criteria[name]))}`).join('\n');

export const differenceList = (diffs: readonly CriterionDifference[]): string =>
  diffs
    .map(
      (d) =>
        `• ${LABELS[d.field]}: pool ${code(shownDifference(d.field, d.pool))}, this job ${code(shownDifference(d.field, d.job))}`,
    )
    .join('\n');
