import type { StepResult } from '../results/types.ts';

/**
 * The offered rates a search may try: a geometric grid through `anchor` with `ratio` between
 * neighbours (default 2^(1/4): four steps per doubling, a resolution of 19%). Every trial and
 * every run tests the same points, so results line up across trials and runs.
 */
export interface RateGrid {
  anchor: number;
  ratio: number;
  min: number;
  max: number;
}

export const DEFAULT_GRID: RateGrid = { anchor: 1000, ratio: 2 ** 0.25, min: 50, max: 64_000 };

/** The grid point of index k (k = 0 is the anchor). */
export function gridRate(grid: Pick<RateGrid, 'anchor' | 'ratio'>, k: number): number {
  return Math.round(grid.anchor * grid.ratio ** k);
}

/** The index of the grid point nearest to a rate (on a log scale). */
export function gridIndex(grid: RateGrid, rate: number): number {
  return Math.round(Math.log(rate / grid.anchor) / Math.log(grid.ratio));
}

/** The grid's resolution as a fraction: 0.19 for four points per doubling. */
export function gridResolution(grid: RateGrid): number {
  return grid.ratio - 1;
}

/** Why a step of a search is run (recorded on the step). */
export type SearchPhase = NonNullable<StepResult['searchPhase']>;

/** A step the search asks for. */
export interface SearchRequest {
  rate: number;
  phase: SearchPhase;
}

/** How a search runs, apart from how its steps are measured. */
export interface SearchPlanOptions {
  grid?: RateGrid;
  /** Where to start: a previous trial's figure (warm), else a first guess (cold). */
  start: number;
  /** True when `start` comes from an earlier trial: move one grid point at a time around it, not by doublings. */
  warm: boolean;
  /** An invalid step (load generator the limit, another process interfering) is repeated this often. Default 2. */
  repeatInvalid?: number;
  /** Re-test the highest passing rate once before ending the search. Default true. */
  confirm?: boolean;
  /**
   * Re-test the lowest missing rate once before ending the search, so a single slow moment (one
   * stall in a short step) cannot lower the figure on its own. Default true.
   */
  retestFail?: boolean;
  /** Stop after this many steps whatever the state. Default 14. */
  maxSteps?: number;
}

export interface SearchOptions extends SearchPlanOptions {
  /** Runs one step at an offered rate; `phase` says why (recorded on the step). */
  measure: (rate: number, phase: SearchPhase) => Promise<StepResult>;
}

/** What the search reads of a step: whether it was valid, met the SLO, and why not valid. */
export type SearchStep = Pick<StepResult, 'valid' | 'slo' | 'invalidReasons'>;

/** What a search found: the bracket around the highest rate that met the SLO. */
export interface SearchResult<S extends SearchStep = StepResult> {
  /** Highest offered rate that met the SLO (confirmed when asked); null when even the lowest tried failed. */
  pass: number | null;
  /** Lowest offered rate above `pass` that missed it; null when the grid's top still passed. */
  fail: number | null;
  /** Every step run, in order (invalid and repeated ones included). */
  steps: S[];
  /** True when the bracket was not closed: out of steps, or a step stayed invalid. */
  unfinished: boolean;
  /** Why a step stayed invalid after its repeats, when that ended the search. */
  invalid?: string;
}

/**
 * Max sustainable rate by bracketing and bisection on a fixed rate grid (NoSQLBench's findmax idea):
 * go up (by doublings when cold, one grid point when warm) until a step misses the SLO, down until
 * one meets it, bisect the bracket down to neighbouring grid points, then re-test both sides of the
 * boundary once. Each grid point's outcome is the majority of its tests: a point whose tests split
 * one to one is tested a third time at once, so noise is resolved by a vote in either direction, not
 * always downwards (a single stall used to lower a figure for good, and the warm searches of later
 * trials inherited it). A point that misses sets the upper bound even above one that met it. An
 * invalid step (the load generator was the limit, another process took CPU) is repeated; one that
 * stays invalid ends the search with what it knows: a rate the machine could not measure honestly
 * is neither a pass nor a fail.
 *
 * The search itself is a generator that asks for steps and is handed their results, so the same
 * decisions drive a real search (findMaxRate, which measures each step) and a simulated one
 * (simulateSearch, which draws each step's outcome: the report's rerun check).
 */
export async function findMaxRate(options: SearchOptions): Promise<SearchResult> {
  const plan = searchPlan<StepResult>(options);
  let next = plan.next();
  while (!next.done) next = plan.next(await options.measure(next.value.rate, next.value.phase));
  return next.value;
}

/** The same search with steps that are drawn, not measured: `measure` returns a step's result at once. */
export function simulateSearch<S extends SearchStep>(
  options: SearchPlanOptions & { measure: (rate: number, phase: SearchPhase) => S },
): SearchResult<S> {
  const plan = searchPlan<S>(options);
  let next = plan.next();
  while (!next.done) next = plan.next(options.measure(next.value.rate, next.value.phase));
  return next.value;
}

/** The search's decisions: which step to run next, given the outcomes so far (see findMaxRate). */
export function* searchPlan<S extends SearchStep>(
  options: SearchPlanOptions,
): Generator<SearchRequest, SearchResult<S>, S> {
  const grid = options.grid ?? DEFAULT_GRID;
  const minK = Math.ceil(Math.log(grid.min / grid.anchor) / Math.log(grid.ratio));
  const maxK = Math.floor(Math.log(grid.max / grid.anchor) / Math.log(grid.ratio));
  const jump = options.warm ? 1 : Math.max(1, Math.round(Math.log(2) / Math.log(grid.ratio)));
  const maxSteps = options.maxSteps ?? 14;
  const steps: S[] = [];
  /** Outcomes per grid index: true met the SLO (valid), false missed it. */
  const outcomes = new Map<number, boolean[]>();
  const confirm = options.confirm !== false;
  const retestFail = options.retestFail !== false;

  let invalid: string | undefined;
  function* measureValid(k: number, phase: SearchPhase): Generator<SearchRequest, void, S> {
    const rate = gridRate(grid, k);
    let step: S = yield { rate, phase };
    steps.push(step);
    for (let repeat = 0; !step.valid && repeat < (options.repeatInvalid ?? 2) && steps.length < maxSteps; repeat++) {
      step = yield { rate, phase: 'repeat' };
      steps.push(step);
    }
    if (!step.valid) invalid = `${rate} RPS: ${step.invalidReasons.join('; ')}`;
    else outcomes.set(k, [...(outcomes.get(k) ?? []), step.slo.met]);
  }
  /** One test of a grid point; a split vote (one pass, one miss) is broken by a third test at once. */
  function* test(k: number, phase: SearchPhase): Generator<SearchRequest, void, S> {
    yield* measureValid(k, phase);
    if (invalid === undefined && steps.length < maxSteps && verdict(k) === null) yield* measureValid(k, 'retest');
  }
  /** The majority of a point's tests; null while they are split evenly. */
  const verdict = (k: number): boolean | null => {
    const o = outcomes.get(k) ?? [];
    const met = o.filter(Boolean).length;
    return met * 2 === o.length ? null : met * 2 > o.length;
  };
  const tests = (k: number): number => outcomes.get(k)?.length ?? 0;
  const bracket = (): { lo: number | null; hi: number | null } => {
    const fails = [...outcomes.keys()].filter((k) => verdict(k) === false);
    const hi = fails.length > 0 ? Math.min(...fails) : null;
    const passes = [...outcomes.keys()].filter((k) => verdict(k) === true && (hi === null || k < hi));
    return { lo: passes.length > 0 ? Math.max(...passes) : null, hi };
  };

  yield* test(Math.min(maxK, Math.max(minK, gridIndex(grid, options.start))), 'bracket');
  while (steps.length < maxSteps && invalid === undefined) {
    const { lo, hi } = bracket();
    if (lo === null) {
      if (hi! <= minK) break; // even the lowest rate misses
      yield* test(Math.max(minK, hi! - jump), 'bracket');
    } else if (hi === null) {
      if (lo >= maxK) break; // the grid's top still passes
      yield* test(Math.min(maxK, lo + jump), 'bracket');
    } else if (hi - lo > 1) {
      yield* test(Math.floor((lo + hi) / 2), 'bisect');
    } else if (retestFail && tests(hi) < 2) {
      yield* test(hi, 'retest');
    } else if (confirm && tests(lo) < 2) {
      yield* test(lo, 'confirm');
    } else {
      const { lo: pass, hi: fail } = bracket();
      return {
        pass: pass === null ? null : gridRate(grid, pass),
        fail: fail === null ? null : gridRate(grid, fail),
        steps,
        unfinished: false,
      };
    }
  }
  const { lo, hi } = bracket();
  const closed = (lo === null && hi !== null && hi <= minK) || (hi === null && lo !== null && lo >= maxK);
  return {
    pass: lo === null ? null : gridRate(grid, lo),
    fail: hi === null ? null : gridRate(grid, hi),
    steps,
    unfinished: invalid !== undefined || !closed,
    ...(invalid !== undefined && { invalid }),
  };
}
