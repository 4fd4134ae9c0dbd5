import { BALANCER_POLICIES, parseTopology, type BalancerPolicy, type Topology } from '../topology/index.ts';
import { SERVER_KIND_NAMES, type ProvisionMode, type ServerKind } from '../provision/index.ts';
import { SCENARIO_FLAG_OPTIONS, scenarioOverrides } from '../scenario/index.ts';
import { PRESETS, type ComparePlanInput, type ControlRow } from './settings.ts';

/** The flags of `storebench compare` (parseArgs options). */
export const COMPARE_FLAG_OPTIONS = {
  ...SCENARIO_FLAG_OPTIONS,
  full: { type: 'boolean', default: false },
  from: { type: 'string' },
  backends: { type: 'string' },
  workloads: { type: 'string' },
  scale: { type: 'string' },
  'dataset-seed': { type: 'string' },
  workers: { type: 'string' },
  instances: { type: 'string' },
  balancer: { type: 'string' },
  topologies: { type: 'string' },
  cache: { type: 'string' },
  provision: { type: 'string' },
  ...(Object.fromEntries(SERVER_KIND_NAMES.map((kind) => [`${kind}-url`, { type: 'string' }])) as Record<
    `${ServerKind}-url`,
    { type: 'string' }
  >),
  'allow-reset': { type: 'boolean' },
  heap: { type: 'string' },
  'profile-workload': { type: 'string' },
  placement: { type: 'string' },
  calibrate: { type: 'string' },
  'control-row': { type: 'string' },
  rtt: { type: 'string' },
  hosts: { type: 'string' },
  cluster: { type: 'string' },
  fault: { type: 'string' },
  'fault-load': { type: 'string' },
  'fault-rps': { type: 'string' },
  'fault-duration': { type: 'string' },
  'fault-workload': { type: 'string' },
  results: { type: 'string' },
  'run-id': { type: 'string' },
  runs: { type: 'string' },
  'no-report': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = Record<string, string | boolean | string[] | undefined>;

/** Flags as plan input; a bad number or choice throws a RangeError naming the flag. */
export function compareInputFromFlags(values: Values): ComparePlanInput {
  const text = (name: string): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  const num = (name: string): number | undefined => {
    const v = text(name);
    if (v === undefined) return undefined;
    const n = v.trim() === '' ? Number.NaN : Number(v);
    if (!Number.isFinite(n)) throw new RangeError(`--${name}: "${v}" is not a number`);
    return n;
  };
  const list = (v: string): string[] =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const cache = text('cache');
  const balancer = text('balancer');
  if (cache !== undefined && cache !== 'redis') throw new RangeError('--cache: only `redis`');
  if (balancer !== undefined && !(BALANCER_POLICIES as readonly string[]).includes(balancer)) {
    throw new RangeError(`--balancer: ${BALANCER_POLICIES.join(' | ')}`);
  }
  const workers = num('workers');
  const layoutDefaults = {
    ...(workers !== undefined && { workers }),
    ...(balancer && { balancer: balancer as BalancerPolicy }),
    ...(cache === 'redis' && { cache: true }),
  };
  let topologies: Topology[] | undefined;
  const listed = text('topologies');
  if (listed) topologies = list(listed).map((t) => parseTopology(t, layoutDefaults));
  else if (text('instances') || balancer) topologies = [parseTopology(text('instances') ?? '1', layoutDefaults)];
  // --full means the full preset's ladder, even over the ladder of a --from run; explicit flags still win.
  const full = PRESETS.full;
  const scenario: Record<string, unknown> = {
    ...(values.full === true && {
      stepValues: [...full.stepValues],
      stepDurationS: full.stepDurationS,
      warmupS: full.warmupS,
      stopAfterFailedSteps: full.stopAfterFailedSteps,
    }),
    ...scenarioOverrides(values),
  };
  for (const [field, value] of Object.entries(scenario)) {
    if (typeof value === 'number' && Number.isNaN(value)) throw new RangeError(`${field}: not a number`);
  }
  const externalUrls = Object.fromEntries(
    SERVER_KIND_NAMES.map((kind) => [kind, text(`${kind}-url`)] as const).filter(([, url]) => url !== undefined),
  );
  const datasetSeed = num('dataset-seed');
  const dimensions = {
    ...(text('rtt') && { rtt: list(text('rtt')!) }),
    ...(text('hosts') && { hosts: text('hosts') }),
    ...(text('cluster') && { clusters: list(text('cluster')!) }),
    ...(text('fault') && { faults: list(text('fault')!) }),
    ...(num('fault-load') !== undefined && { faultLoad: num('fault-load') }),
    ...(num('fault-rps') !== undefined && { faultRps: num('fault-rps') }),
    ...(num('fault-duration') !== undefined && { faultDurationS: num('fault-duration') }),
    ...(text('fault-workload') && { faultWorkload: text('fault-workload') }),
  };
  return {
    ...(values.full === true && { preset: 'full' as const, scale: full.scale }),
    ...(text('backends') && { backends: list(text('backends')!) }),
    ...(text('workloads') && { workloads: list(text('workloads')!) }),
    ...(text('scale') && { scale: text('scale') }),
    ...(datasetSeed !== undefined && { datasetSeed }),
    ...(workers !== undefined && { workers }),
    ...(cache === 'redis' && { cache: 'redis' as const }),
    ...(topologies && { topologies }),
    ...(text('provision') && { provision: text('provision') as ProvisionMode }),
    ...(Object.keys(externalUrls).length > 0 && { externalUrls }),
    ...(values['allow-reset'] === true && { allowReset: true }),
    ...(text('heap') && { javaHeap: text('heap') }),
    ...(text('profile-workload') && { profileWorkload: text('profile-workload') }),
    ...(text('placement') && { placement: text('placement') as 'pinned' | 'shared' }),
    ...(text('calibrate') && { calibrate: text('calibrate') }),
    ...(text('control-row') && { controlRow: text('control-row') as ControlRow }),
    ...(text('results') && { resultsDir: text('results') }),
    ...(text('run-id') && { runId: text('run-id') }),
    ...(values['no-report'] === true && { report: false }),
    ...(Object.keys(scenario).length > 0 && { scenario }),
    ...(Object.keys(dimensions).length > 0 && { dimensions }),
  };
}
