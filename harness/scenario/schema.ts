import { z } from 'zod';
import { DEFAULT_SCALE } from '../../core/dataset/index.ts';
import { WORKLOAD_NAMES, type WorkloadName } from '../../core/workloads/index.ts';
import { DEFAULT_SLO } from '../load/ladder.ts';
import { DEFAULT_GRID, gridResolution } from '../load/search.ts';

/** Four grid rates per doubling of the offered rate. */
const DEFAULT_RESOLUTION = Math.round(gridResolution(DEFAULT_GRID) * 1e4) / 1e4;

/** Step values per kind when a scenario gives none. */
export const DEFAULT_STEP_VALUES = {
  rate: [250, 500, 1000, 2000, 4000, 8000],
  concurrency: [16, 32, 64, 128, 256, 512],
} as const;

const positive = z.number().positive();
const workload = z.enum(WORKLOAD_NAMES as [WorkloadName, ...WorkloadName[]]);

/**
 * A load scenario as written in a YAML/JSON file or assembled from CLI flags.
 * Everything has a default except what can only come from the user.
 */
export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1).max(100).default('adhoc'),
    workloads: z.array(workload).min(1).default([WORKLOAD_NAMES[0]!]),
    /** Labels of the backends to load (the compare stage provisions and serves them). */
    backends: z.array(z.string().min(1)).min(1).default(['memory']),
    stepKind: z.enum(['rate', 'concurrency']).default('rate'),
    /** Offered RPS (rate) or connections (concurrency); default per kind (DEFAULT_STEP_VALUES). */
    stepValues: z.array(positive).min(1).optional(),
    stepDurationS: positive.max(3600).default(10),
    warmupS: z.number().min(0).max(600).default(3),
    requestTimeoutMs: z.number().int().min(10).max(120_000).default(10_000),
    idDistribution: z.enum(['uniform', 'zipfian', 'last10']).default('last10'),
    slo: z
      .strictObject({
        p99Ms: positive.default(DEFAULT_SLO.p99Ms),
        maxErrorRate: z.number().min(0).max(1).default(DEFAULT_SLO.maxErrorRate),
        minAchievedRatio: z.number().min(0).max(1).default(DEFAULT_SLO.minAchievedRatio),
      })
      .prefault({}),
    stopAfterFailedSteps: z.number().int().min(0).default(2),
    /**
     * How the max sustainable rate is found: `ladder` runs stepValues in order; `search` brackets and
     * bisects on a geometric grid of offered rates (rate steps only) to the given resolution.
     */
    method: z.enum(['ladder', 'search']).default('ladder'),
    /** Independent trials of every (target, workload), interleaved across targets. */
    trials: z.number().int().min(1).max(20).default(1),
    /** Search: the first offered rate of a target's first trial (later trials start from the earlier ones' figure). */
    searchStartRps: positive.default(1000),
    /** Search: neighbouring grid rates differ by this fraction (default 2^(1/4) - 1, four rates per doubling). */
    resolution: z.number().min(0.02).max(1).default(DEFAULT_RESOLUTION),
    /** An unmeasured pass over every workload when a target first starts (JIT of the API and the database, caches), in seconds per workload. */
    targetWarmupS: z.number().min(0).max(600).default(3),
    /**
     * A database whose server is a JVM (Cassandra, the MongoDB-wire stand-in) is warmed up further each time
     * a new process of it is first measured (every trial with `databasePerTrial: restart`), pass after pass, until its JIT compiler threads use under 5% of a core, for at most this many
     * seconds (0: no such warm-up). Its compiler otherwise keeps taking 10-30% of the core the database shares
     * with the API through the first trials, and the first trial comes out lower than the later ones.
     */
    jitWarmupMaxS: z.number().min(0).max(3600).default(180),
    /**
     * Targets that start their own API processes (compare): `fresh` starts new ones for every trial (each
     * trial then samples the process-to-process spread: heap layout, JIT, when garbage collections fall),
     * `reuse` keeps one set paused between trials.
     */
    apiPerTrial: z.enum(['fresh', 'reuse']).default('fresh'),
    /**
     * Databases a compare started itself as a single server: `restart` shuts the server down cleanly and
     * starts it again on its data before every trial of every target (each trial then samples the spread
     * from one database process to the next: a JVM's JIT and heap, caches; the JIT warm-up runs again),
     * `keep` leaves one process up for the whole run, paused between trials. Measured here, the trials of
     * a run that shared one Cassandra process agreed with each other more than with another run's.
     */
    databasePerTrial: z.enum(['restart', 'keep']).default('restart'),
    /**
     * Before each trial of each workload, a target's files (its database's data directory, every file its
     * processes map) are read into the page cache (`warm`), or left as they are (`as-is`). A kernel that pages
     * out memory idle for a minute (DAMON here) otherwise evicts a paused database's files between its
     * trials, and how much of them a trial found cached depended on how long it had waited. Only compare's
     * targets know their files: `load --url` reads nothing whatever this says.
     */
    pageCache: z.enum(['warm', 'as-is']).default('warm'),
    /**
     * Before each trial's first step: unmeasured load at that step's rate for a random time, drawn uniformly
     * from zero to about one major garbage-collection period of the API (read from the earlier trials of the
     * same target and workload; one step for a first trial), at most this many seconds (0: none). A new API
     * process fed the same seeded requests otherwise does its major collections at the same steps in every
     * trial: measured here, the control row's later trials repeated its first in 44 of 44 (rounds 8-10).
     */
    phaseShiftMaxS: z.number().min(0).max(600).default(14),
    /** Seed of the phase shifts; absent: drawn at random for each run and recorded, so a run can be replayed. */
    phaseSeed: z.number().int().min(0).optional(),
    /** CPU (% of one core) processes outside the run may take during a step before it is invalid and repeated. */
    interferenceLimitPercent: z.number().min(0).max(10_000).default(10),
    /**
     * Search: a step whose SLO miss is already certain (more than 1% of the requests its whole window calls
     * for slower than the p99 bound, or more errors than the error budget of that many) ends once this many
     * seconds of its measured window have run; 0 runs every step to its end. A search only reads whether a
     * step missed, and a step far above capacity is decided within a second or two.
     */
    endMissedStepsAfterS: z.number().min(0).max(3600).default(1.5),
    /** Search: most steps one search may run. */
    maxSearchSteps: z.number().int().min(2).max(60).default(14),
    profile: z.enum(['none', 'doctor', 'flame']).default('none'),
    /** Which step (index) runs under the profiler; default the last. */
    profileStep: z.number().int().min(0).optional(),
    /** Connection pool of rate steps; default rate / 10 within 16..1024. */
    connections: z.number().int().min(1).max(10_000).optional(),
    /** Seed of the request generator (which ids and bodies are sent); not the dataset seed. */
    requestSeed: z.number().int().default(1),
    /** Dataset scale the servers were seeded with (tiny|small|medium|full or a count): sets the id ranges. */
    scale: z.union([z.string().min(1), z.number().int().positive()]).default(DEFAULT_SCALE),
    /** Primary records per workload the servers hold, overriding the scale's (e.g. `{ catalog: 20000 }`). */
    maxIds: z.partialRecord(workload, z.number().int().positive()).default({}),
    /**
     * Fraction of requests in a deliberately slow class (`GET /experiment/busy`, each keeping its API
     * process busy for slowBusyMs of CPU); the servers must run with experiment routes. Default 0 (none).
     */
    slowFraction: z.number().min(0).max(0.5).default(0),
    slowBusyMs: z.number().int().min(1).max(1000).default(50),
    /** Write workloads: fraction of requests reading back records this run created. */
    readBackFraction: z.number().min(0).max(1).default(0),
  })
  .refine((s) => s.method === 'ladder' || s.stepKind === 'rate', {
    message: 'a search finds a rate: method search needs stepKind rate',
    path: ['method'],
  })
  .transform((s) => ({ ...s, stepValues: s.stepValues ?? [...DEFAULT_STEP_VALUES[s.stepKind]] }));

/** A validated scenario with every default filled in. */
export type Scenario = z.output<typeof scenarioSchema>;
/** What a scenario file may contain (most fields optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
