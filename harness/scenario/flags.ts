import { DEFAULT_SLO } from '../load/ladder.ts';

/**
 * The command-line flags that shape a load scenario, shared by `load` and `compare` so both
 * spell and check them alike. Flags win over a scenario file or a recorded run.
 */
export const SCENARIO_FLAG_OPTIONS = {
  kind: { type: 'string' },
  steps: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  connections: { type: 'string' },
  'timeout-ms': { type: 'string' },
  distribution: { type: 'string' },
  'max-id': { type: 'string', multiple: true },
  'slo-p99': { type: 'string' },
  'slo-errors': { type: 'string' },
  'stop-after': { type: 'string' },
  'request-seed': { type: 'string' },
  'slow-fraction': { type: 'string' },
  'slow-ms': { type: 'string' },
  'read-back': { type: 'string' },
  profile: { type: 'string' },
  'profile-step': { type: 'string' },
  method: { type: 'string' },
  trials: { type: 'string' },
  resolution: { type: 'string' },
  'search-start': { type: 'string' },
  'target-warmup': { type: 'string' },
  'api-per-trial': { type: 'string' },
  'database-per-trial': { type: 'string' },
  'page-cache': { type: 'string' },
  'jit-warmup': { type: 'string' },
  'end-missed': { type: 'string' },
  'phase-shift': { type: 'string' },
  'phase-seed': { type: 'string' },
} as const;

export const SCENARIO_FLAG_HELP = `  --kind rate|concurrency open model (offered RPS) or closed model (connections); default rate
  --steps LIST            offered RPS or connections per step, e.g. 500,1000,2000
  --duration S            measured seconds per step
  --warmup S              warm-up seconds per step, excluded from figures
  --connections N         connection pool of rate steps (default rate/10, 16..1024)
  --timeout-ms MS         request timeout (default 10000)
  --distribution D        ids drawn uniform | zipfian | last10 (default last10)
  --max-id W=N            workload W's servers hold records 1..N (overrides the scale; repeatable)
  --slo-p99 MS            default ${DEFAULT_SLO.p99Ms}
  --slo-errors FRACTION   default ${DEFAULT_SLO.maxErrorRate}
  --stop-after N          stop a ladder after N consecutive SLO misses (0 = run every step)
  --request-seed N        seed of the request generator: which ids and bodies are sent (default 1)
  --slow-fraction F       a deliberately slow request class: this fraction of requests (0..0.5) keeps the
                          API process serving it busy for --slow-ms of CPU (GET /experiment/busy)
  --slow-ms MS            CPU per slow request (default 50)
  --read-back F           write workloads: fraction of requests reading back what the run created
  --profile doctor|flame  re-run one step (--profile-step, default the best step) under clinic
  --method ladder|search  run --steps in order, or search the max sustainable rate on a grid (rate steps)
  --trials N              independent trials per target and workload, interleaved across targets
  --resolution F          search grid: neighbouring rates differ by F (default 0.19: four per doubling)
  --search-start RPS      first rate of a target's first search (default 1000)
  --end-missed S          search: a step whose SLO miss is already certain ends after S measured seconds
                          (default 1.5; 0 = every step runs to its end)
  --phase-shift S         before each trial's first step, unmeasured load for a random time up to about one
                          major GC period of the API, at most S seconds (default 14; 0 = off), so trials do
                          not meet their garbage collections at the same steps
  --phase-seed N          seed of those random times (default: drawn for each run, recorded in run.json)
  --target-warmup S       unmeasured warm-up per workload each time a target's API starts (compare; default 3)
  --jit-warmup S          compare: a JVM database is warmed up until its JIT compiler threads use under 5%
                          of a core, for at most S seconds (default 180; 0 = off)
  --api-per-trial fresh|reuse
                          compare: new API processes for every trial (default fresh), or one set paused
                          between trials
  --database-per-trial restart|keep
                          compare: a database server the run started is restarted on its data before every
                          trial (default restart), or kept up (paused between trials)
  --page-cache warm|as-is compare: before each trial of each workload, read the target's files (its database's
                          data dir, what its processes map) into the page cache (default warm), or leave them`;

type FlagValues = Partial<Record<keyof typeof SCENARIO_FLAG_OPTIONS, string | string[] | undefined>>;

/** Scenario fields from the flags; numbers that are not numbers stay NaN so validation names the field. */
export function scenarioOverrides(values: FlagValues): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const text = (flag: keyof typeof SCENARIO_FLAG_OPTIONS): string | undefined => {
    const v = values[flag];
    return typeof v === 'string' ? v : undefined;
  };
  const num = (v: string): number => (v.trim() === '' ? Number.NaN : Number(v));
  const set = (flag: keyof typeof SCENARIO_FLAG_OPTIONS, field: string, convert: (v: string) => unknown = num) => {
    const v = text(flag);
    if (v !== undefined) o[field] = convert(v);
  };
  set('kind', 'stepKind', (v) => v);
  set('steps', 'stepValues', (v) => v.split(',').map(num));
  set('duration', 'stepDurationS');
  set('warmup', 'warmupS');
  set('connections', 'connections');
  set('timeout-ms', 'requestTimeoutMs');
  set('distribution', 'idDistribution', (v) => v);
  set('stop-after', 'stopAfterFailedSteps');
  set('request-seed', 'requestSeed');
  set('slow-fraction', 'slowFraction');
  set('slow-ms', 'slowBusyMs');
  set('read-back', 'readBackFraction');
  set('profile', 'profile', (v) => v);
  set('profile-step', 'profileStep');
  set('method', 'method', (v) => v);
  set('trials', 'trials');
  set('resolution', 'resolution');
  set('search-start', 'searchStartRps');
  set('target-warmup', 'targetWarmupS');
  set('jit-warmup', 'jitWarmupMaxS');
  set('end-missed', 'endMissedStepsAfterS');
  set('api-per-trial', 'apiPerTrial', (v) => v);
  set('database-per-trial', 'databasePerTrial', (v) => v);
  set('page-cache', 'pageCache', (v) => v);
  set('phase-shift', 'phaseShiftMaxS');
  set('phase-seed', 'phaseSeed');
  const maxIds = values['max-id'];
  if (Array.isArray(maxIds) && maxIds.length > 0) {
    o.maxIds = Object.fromEntries(
      maxIds
        .flatMap((entry) => entry.split(','))
        .map((pair) => {
          const [workload = '', count = ''] = pair.split('=');
          return [workload.trim(), num(count)];
        }),
    );
  }
  const p99 = text('slo-p99');
  const errors = text('slo-errors');
  if (p99 !== undefined || errors !== undefined) {
    o.slo = {
      ...(p99 !== undefined && { p99Ms: num(p99) }),
      ...(errors !== undefined && { maxErrorRate: num(errors) }),
    };
  }
  return o;
}
