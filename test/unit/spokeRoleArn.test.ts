import { describe, expect, it } from 'vitest';
import { spokeRoleArn } from '../../lib/wiring/spokeClients';

const spokes = { roleName: 'poolwarden-spoke', members: [] };

describe('spokeRoleArn', () => {
  it.each([
    ['us-east-1', 'arn:aws:iam::111122223333:role/poolwarden-spoke'],
    ['eu-west-1', 'arn:aws:iam::111122223333:role/poolwarden-spoke'],
    ['cn-north-1', 'arn:aws-cn:iam::111122223333:role/poolwarden-spoke'],
    ['us-gov-west-1', 'arn:aws-us-gov:iam::111122223333:role/poolwarden-spoke'],
  ])('names the role in the partition of %s', (region, arn) => {
    expect(spokeRoleArn({ account: '111122223333', region }, spokes)).toBe(arn);
  });
});
