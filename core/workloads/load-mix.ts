/**
 * Load mixes: weighted request templates a load generator draws from. Each
 * workload exports one from its mix.ts; the harness only sees these types.
 * Ids are drawn over the range the dataset says exists.
 */

/** How request ids are drawn over [1, max]. */
export type IdDistribution = 'uniform' | 'zipfian' | 'last10';

/** One concrete request, ready to send. */
export interface MixRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query, e.g. `/products/42/styles`. */
  path: string;
  /** JSON body, already serialized. */
  body?: string;
  /**
   * Checks a response: returns false when the body is not what the request
   * must get back (counted as a body mismatch). Called only for 2xx responses.
   * Absent: any 2xx counts as success and the body is not decoded.
   */
  expect?: (status: number, body: string) => boolean;
}

/** A weighted kind of request. */
export interface RequestTemplate {
  /** Stable name for per-template figures, e.g. `GET /products/:id/styles`. */
  name: string;
  /** Relative weight (>= 0). */
  weight: number;
  /** Builds the next request of this kind; null when it cannot yet (e.g. nothing created to delete). */
  build(random: RandomSource): MixRequest | null;
}

/** A workload's load mix. */
export interface LoadMix {
  workload: string;
  distribution: IdDistribution;
  templates: RequestTemplate[];
}

/** Uniform random numbers in [0, 1); deterministic when seeded. */
export type RandomSource = () => number;

/** mulberry32: small, fast, seeded; good enough to spread load, not for crypto. */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws ids in [1, max] with the given distribution. */
export type IdPicker = (random: RandomSource) => number;

export function createIdPicker(distribution: IdDistribution, max: number, zipfTheta = 0.99): IdPicker {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`id range max must be a positive integer, got ${max}`);
  switch (distribution) {
    case 'uniform':
      return (random) => 1 + Math.floor(random() * max);
    case 'last10': {
      // The newest 10% of ids: where a missing index or a cold page shows first.
      const low = Math.max(1, Math.floor(max * 0.9) + 1);
      const span = max - low + 1;
      return (random) => low + Math.floor(random() * span);
    }
    case 'zipfian':
      return zipfianPicker(max, zipfTheta);
  }
}

/**
 * YCSB's zipfian generator (Gray et al., "Quickly generating billion-record
 * synthetic databases"), with the hot ranks scattered over the id range by a
 * multiplicative bijection so hot rows are not all adjacent.
 */
function zipfianPicker(n: number, theta: number): IdPicker {
  const zetan = zeta(n, theta);
  const zeta2 = zeta(2, theta);
  const alpha = 1 / (1 - theta);
  const eta = (1 - Math.pow(2 / n, 1 - theta)) / (1 - zeta2 / zetan);
  const scatter = scatterMultiplier(n);
  const scatterNumber = Number(scatter);
  const exact = n * n < Number.MAX_SAFE_INTEGER;
  return (random) => {
    const u = random();
    const uz = u * zetan;
    let rank: number;
    if (uz < 1) rank = 0;
    else if (uz < 1 + Math.pow(0.5, theta)) rank = 1;
    else rank = Math.min(n - 1, Math.floor(n * Math.pow(eta * u - eta + 1, alpha)));
    // rank * scatter stays below 2^53 while n < ~9.4e7; BigInt only past that.
    return exact ? 1 + ((rank * scatterNumber) % n) : 1 + Number((BigInt(rank) * scatter) % BigInt(n));
  };
}

/** zeta(n, theta) = sum 1/i^theta; exact up to 1e6 terms, then the integral tail (error far below 1e-6). */
function zeta(n: number, theta: number): number {
  const exactTerms = Math.min(n, 1_000_000);
  let sum = 0;
  for (let i = 1; i <= exactTerms; i++) sum += 1 / Math.pow(i, theta);
  if (n > exactTerms) sum += (Math.pow(n + 0.5, 1 - theta) - Math.pow(exactTerms + 0.5, 1 - theta)) / (1 - theta);
  return sum;
}

/** A multiplier coprime with n, so rank -> rank * m mod n is a bijection. */
function scatterMultiplier(n: number): bigint {
  let m = 2654435761 % n || 1;
  while (gcd(m, n) !== 1) m = (m + 1) % n || 1;
  return BigInt(m);
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Picks a template by weight; falls back to the first buildable one when the chosen cannot build. */
export function drawRequest(mix: LoadMix, random: RandomSource): { template: RequestTemplate; request: MixRequest } {
  const total = mix.templates.reduce((sum, t) => sum + t.weight, 0);
  let r = random() * total;
  let chosen = mix.templates[mix.templates.length - 1];
  for (const template of mix.templates) {
    if (r < template.weight) {
      chosen = template;
      break;
    }
    r -= template.weight;
  }
  if (chosen) {
    const request = chosen.build(random);
    if (request) return { template: chosen, request };
  }
  for (const template of mix.templates) {
    const request = template.build(random);
    if (request) return { template, request };
  }
  throw new Error(`load mix ${mix.workload}: no template can build a request`);
}

/** A deliberately slow request class added to a mix (see `GET /experiment/busy` in core/http/experiment.ts). */
export interface SlowClass {
  /** Fraction of all requests (0..0.5) that are slow. */
  fraction: number;
  /** CPU milliseconds each slow request keeps its API process busy. */
  busyMs: number;
}

/**
 * The mix with a slow request class making up `slow.fraction` of the requests: each keeps the API
 * process that serves it busy for `slow.busyMs` ms, so nothing else is served there meanwhile. The
 * server must run with experiment routes on.
 */
export function withSlowClass(mix: LoadMix, slow: SlowClass): LoadMix {
  if (!(slow.fraction > 0 && slow.fraction <= 0.5))
    throw new RangeError(`slow fraction must be in (0, 0.5], got ${slow.fraction}`);
  const others = mix.templates.reduce((sum, t) => sum + t.weight, 0);
  const template: RequestTemplate = {
    name: `GET /experiment/busy (slow, ${slow.busyMs} ms CPU)`,
    weight: (others * slow.fraction) / (1 - slow.fraction),
    build: () => ({
      method: 'GET',
      path: `/experiment/busy?ms=${slow.busyMs}`,
      expect: (_s, body) => body.startsWith('{"busyMs":'),
    }),
  };
  return { ...mix, templates: [...mix.templates, template] };
}
