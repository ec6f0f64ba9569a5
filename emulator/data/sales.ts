// The emulated Genie space's data: revenue and units by region and quarter. A typed module rather than a
// JSON file so the emulator reads no files at runtime and runs wherever `Request` does.
// 2025-Q4 is only there so that Q1 2026 has a quarter to be compared with.

export const QUARTERS = ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"] as const;
export type Quarter = (typeof QUARTERS)[number];

export const REGIONS = ["North America", "Europe", "Asia Pacific", "Latin America"] as const;
export type Region = (typeof REGIONS)[number];

export interface SalesFigures {
  revenueUsd: number;
  units: number;
}

export const SALES: Readonly<Record<Region, Readonly<Record<Quarter, SalesFigures>>>> = {
  "North America": {
    "2025-Q4": { revenueUsd: 1_185_000, units: 4_740 },
    "2026-Q1": { revenueUsd: 1_240_000, units: 4_960 },
    "2026-Q2": { revenueUsd: 1_342_000, units: 5_368 },
    "2026-Q3": { revenueUsd: 1_398_000, units: 5_592 },
    "2026-Q4": { revenueUsd: 1_516_000, units: 6_064 },
  },
  Europe: {
    "2025-Q4": { revenueUsd: 1_002_000, units: 4_175 },
    "2026-Q1": { revenueUsd: 980_000, units: 4_083 },
    "2026-Q2": { revenueUsd: 1_015_000, units: 4_229 },
    "2026-Q3": { revenueUsd: 1_004_000, units: 4_183 },
    "2026-Q4": { revenueUsd: 1_087_000, units: 4_529 },
  },
  "Asia Pacific": {
    "2025-Q4": { revenueUsd: 702_000, units: 3_510 },
    "2026-Q1": { revenueUsd: 760_000, units: 3_800 },
    "2026-Q2": { revenueUsd: 871_000, units: 4_355 },
    "2026-Q3": { revenueUsd: 934_000, units: 4_670 },
    "2026-Q4": { revenueUsd: 1_008_000, units: 5_040 },
  },
  "Latin America": {
    "2025-Q4": { revenueUsd: 296_000, units: 1_480 },
    "2026-Q1": { revenueUsd: 310_000, units: 1_550 },
    "2026-Q2": { revenueUsd: 298_000, units: 1_490 },
    "2026-Q3": { revenueUsd: 322_000, units: 1_610 },
    "2026-Q4": { revenueUsd: 341_000, units: 1_705 },
  },
};

/** Words in a question that name a region (lower case; `regionsIn` matches them as whole words). */
export const REGION_ALIASES: Readonly<Record<Region, readonly string[]>> = {
  "North America": ["north america", "usa", "canada"],
  Europe: ["europe", "emea"],
  "Asia Pacific": ["asia", "apac", "pacific"],
  "Latin America": ["latin america", "latam", "south america"],
};
