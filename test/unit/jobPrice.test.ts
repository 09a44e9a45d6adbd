import { describe, expect, it } from 'vitest';
import { jobUnitPrice, poolIdleUsdPerHour } from '../../lib/domain/jobPrice';
import { regionalPriceKey } from '../../lib/domain/prices';
import { SAMPLE_CRITERIA, sampleSnapshot } from '../support/sampleCriteria';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const PRICES = { 'ml.g5.2xlarge': 1.5, [regionalPriceKey('eu-west-1', 'ml.g5.2xlarge')]: 2 };
const job = (instanceCount: number, region?: string) =>
  sampleSnapshot('j', NOW, {
    criteria: { ...SAMPLE_CRITERIA, instanceCount },
    ...(region ? { location: { account: '111122223333', region } } : {}),
  });

describe('a job priced from the price table', () => {
  it("takes one instance's price in the job's region where the table has it, else the type's", () => {
    expect(jobUnitPrice(PRICES, job(1))).toBe(1.5);
    expect(jobUnitPrice(PRICES, job(1, 'eu-west-1'))).toBe(2);
    expect(jobUnitPrice(PRICES, job(1, 'ap-south-1'))).toBe(1.5);
  });

  it('costs every instance of its pool an hour idle', () => {
    expect(poolIdleUsdPerHour(PRICES, job(4))).toBe(6);
    expect(poolIdleUsdPerHour(PRICES, job(4, 'eu-west-1'))).toBe(8);
  });

  it('is unknown when the table lacks the instance type', () => {
    expect(jobUnitPrice({}, job(2))).toBeUndefined();
    expect(poolIdleUsdPerHour({}, job(2))).toBeUndefined();
  });
});
