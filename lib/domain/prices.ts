/**
 * Hourly on-demand prices of SageMaker training instances, USD, us-east-1 list prices as
 * published (approximate; they change, and differ by region). Users override them with a JSON
 * file `{ "ml.g5.xlarge": 1.408, "eu-west-1/ml.g5.xlarge": 1.58, ... }`: a key with a region
 * prices that region; any other region falls back to the plain (us-east-1) price. Every cost
 * figure poolwarden shows comes from here.
 */
export type PriceTable = Readonly<Record<string, number>>;

export const DEFAULT_PRICES: PriceTable = {
  'ml.m5.large': 0.115,
  'ml.m5.xlarge': 0.23,
  'ml.m5.2xlarge': 0.461,
  'ml.m5.4xlarge': 0.922,
  'ml.c5.xlarge': 0.204,
  'ml.c5.2xlarge': 0.408,
  'ml.g4dn.xlarge': 0.736,
  'ml.g4dn.2xlarge': 0.94,
  'ml.g5.xlarge': 1.408,
  'ml.g5.2xlarge': 1.515,
  'ml.g5.4xlarge': 2.03,
  'ml.g5.12xlarge': 7.09,
  'ml.g5.48xlarge': 20.36,
  'ml.p3.2xlarge': 3.825,
  'ml.p3.8xlarge': 14.688,
  'ml.p3.16xlarge': 28.152,
  'ml.p4d.24xlarge': 37.688,
  'ml.p5.48xlarge': 113.068,
  'ml.trn1.32xlarge': 24.725,
};

export const withOverrides = (base: PriceTable, overrides: PriceTable): PriceTable => ({
  ...base,
  ...overrides,
});

/** The price file's key for one region's price of an instance type. */
export const regionalPriceKey = (region: string, instanceType: string): string => `${region}/${instanceType}`;

/** The region's own price when the table has one, else the us-east-1 list price. */
export const hourlyPrice = (prices: PriceTable, instanceType: string, region?: string): number | undefined =>
  (region === undefined ? undefined : prices[regionalPriceKey(region, instanceType)]) ?? prices[instanceType];

/** What holding `instanceCount` instances for `seconds` costs. */
export const instanceCostUsd = (seconds: number, instanceCount: number, hourlyUsd: number): number =>
  (seconds * instanceCount * hourlyUsd) / 3600;
