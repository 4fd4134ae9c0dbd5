/**
 * The shape of `results/<run-id>/run.json`: everything a run measured, enough
 * to render charts and reports and to reproduce the run. This shape is a
 * contract with the report renderer: add optional fields, never rename or
 * remove. Units are in the field names (Ms, Rps, Bytes, Percent, S).
 */

/** Bumped only on a breaking change of this shape. */
export const RUN_SCHEMA_VERSION = 1;

/** The whole run: one file per run. */
export interface RunResult {
  schemaVersion: typeof RUN_SCHEMA_VERSION;
  /** `YYYYMMDD-HHMMSS-<suffix>`; also the folder name under results/. */
  runId: string;
  /** ISO 8601 timestamps. */
  startedAt: string;
  finishedAt: string;
  environment: EnvironmentInfo;
  /** The validated scenario as run (defaults filled in), so the run is reproducible from this file. */
  scenario: ScenarioRecord;
  /** One entry per (backend, workload) whose data was loaded; fingerprint passed in by the seeding stage. */
  datasets: DatasetRecord[];
  /** Every measured step, in the order run, warm-up excluded. */
  steps: StepResult[];
  /** Max sustainable throughput per (backend, workload) under the scenario's SLO. */
  summary: SustainableThroughput[];
  /** Profiles taken (clinic doctor/flame); failures are recorded here, never fatal. */
  profiles: ProfileRecord[];
  /** Free-form problems met during the run that did not stop it (a backend skipped, a sampler without /proc...). */
  notes: string[];
  /** Backends the scenario asked for that could not be measured, with the reason (written by `compare`). */
  skippedBackends?: SkippedBackendRecord[];
  /** Every trial's outcome per (backend, workload): the headline figures and their intervals come from these. */
  trials?: TrialRecord[];
  /** The A/A calibration of this run: the machine's run-to-run spread, used to decide ties. */
  calibration?: CalibrationRecord;
  /** What was done to each backend between seeding and measuring (checkpoint, vacuum, flush, warm-up), and how long it took. */
  preparation?: PreparationRecord[];
  /** Where the processes ran: CPU sets of the load generator and of the system under test. */
  placement?: PlacementRecord;
  /** Each measured layout's database (cluster) and network (--cluster, --rtt), by target label. */
  layouts?: LayoutRecord[];
  /** The network when hosts ran in namespaces (--rtt with a delay, --hosts netns). */
  network?: NetworkRecord;
  /** Steady steps with a failure injected (--fault): the report's resilience section. */
  faultRuns?: FaultRunRecord[];
  /** How fast the machine was at the start and at the end of the run (a fixed piece of work, timed). */
  machineSpeed?: MachineSpeed;
}

/** A fixed piece of CPU work and a second of small fsyncs, timed while nothing of the run ran (harness/observe/speed-probe.ts). */
export interface MachineSpeed {
  /** What the CPU work is, versioned: readings under different names are not comparable. */
  probe: string;
  readings: MachineSpeedReading[];
}

export interface MachineSpeedReading {
  when: 'start' | 'trial' | 'end';
  /** For a reading between trials: the trial about to start (every server of the run paused or stopped). */
  trial?: number;
  /** ISO 8601, when the reading finished. */
  at: string;
  /** The work timed on each CPU set of the placement, the system under test's first. */
  cpus: Array<SpeedOnCpus & { role: string }>;
  /** One second of 4 KiB write + fdatasync every 20 ms in the temp dir. */
  fsync?: DiskSyncUsage;
}

/** The fixed work's time on one CPU set: median, lowest and highest of its timed reps. */
export interface SpeedOnCpus {
  /** As taskset takes them, or `any` when unpinned. */
  cpus: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  reps: number;
}

/** Where one target's database and API ran: the cluster layout and the network between the hosts. */
export interface LayoutRecord {
  /** The target's label in steps and summaries, e.g. `cassandra ring3 rtt 0.5ms`. */
  label: string;
  backend: string;
  /** `single`, `ring3`, `standby-sync`... */
  cluster: string;
  /** What the cluster layout is, in a sentence. */
  clusterDescription: string;
  members: Array<{ name: string; role: string; address: string; startupMs: number }>;
  /** `loopback`, or `rtt 0.5ms` (hosts in network namespaces with that round trip added). */
  rtt: string;
  /** Round trips measured when the layout was first opened (a TCP-connect probe, like ping). */
  measuredRtt?: RttMeasurement[];
  /** Milliseconds until every member answered. */
  startupMs: number;
  note?: string;
}

/** Round trips from one host to another, as measured by the probe (figures include the probe's own wake-up). */
export interface RttMeasurement {
  from: string;
  to: string;
  count: number;
  minMs: number;
  p50Ms: number;
  p90Ms: number;
}

/** The network of a run whose hosts ran in network namespaces. */
export interface NetworkRecord {
  /** The private /24 the harness used. */
  subnet: string;
  /** How the delay was added, and what that costs. */
  delayMechanism: string;
  /** The relay ran at real-time priority (else its wake-ups may add delay on a busy machine). */
  relayRealTime?: boolean;
  /** CPU seconds the relay used over the run, and packets it held. */
  relayCpuSeconds?: number;
  relayPackets?: number;
}

/** One second of a steady step with a failure in it. */
export interface FaultTimelineSecond {
  /** Seconds from the start of the measured window. */
  second: number;
  requests: number;
  ok: number;
  /** Failed requests by class: status code, `timeout`, `socket`, `notSent`. */
  errors: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** What reading every acknowledged write back found. */
export interface ReadBackRecord {
  /** Writes answered 2xx (a create acknowledged to its client). */
  acknowledged: number;
  /** Of those, read back. */
  found: number;
  /** Acknowledged and not there: the figure that must be 0. */
  lost: number;
  /** Up to 20 lost ids, `usage:123`, `overview:456`. */
  lostSample: string[];
  /** Reads that kept failing (the database could not answer): neither found nor lost. */
  unreadable: number;
  /** Acknowledged creates a later DELETE may have removed (sent, whatever its answer): not checked. */
  deletedAfter: number;
  seconds: number;
}

/** A steady step at a fraction of a target's measured max with a failure injected (--fault). */
export interface FaultRunRecord {
  /** The target's label. */
  backend: string;
  workload: string;
  /** `kill:node2@10`, `partition:primary@15+20`. */
  fault: string;
  /** The member's role when it was hit (`seed`, `replica`, `primary`, `standby`, `server`). */
  memberRole: string;
  rateRps: number;
  /** The rate as a fraction of `maxRps` (null when the target had no measured max). */
  fraction: number | null;
  /** The target's measured max sustainable rate (median of its trials), null when none was measured. */
  maxRps: number | null;
  warmupS: number;
  durationS: number;
  timeline: FaultTimelineSecond[];
  /** What happened when, in seconds from the start of the measured window: the fault, a promotion, a restart. */
  events: Array<{ atS: number; what: string }>;
  /** First failed request (by when it was due) after the fault, in seconds after it; null if none failed. */
  timeToFirstErrorS: number | null;
  /**
   * Seconds from the fault until every later second kept its errors within the SLO's error rate; 0 if
   * no second after the fault exceeded it, null if the step ended before that.
   */
  timeToRecoveryS: number | null;
  /** Requests of the measured window and those that failed, by class. */
  requests: number;
  errors: Record<string, number>;
  /** Every acknowledged write read back through the adapter once the step ended. */
  readBack: ReadBackRecord;
  note?: string;
}

/** One trial of one (backend, workload): the bracket its search (or ladder) ended with. */
export interface TrialRecord {
  backend: string;
  workload: string;
  /** 1-based. */
  trial: number;
  /** Highest offered rate (or connections) that met the SLO at a valid step; null when none did. */
  pass: number | null;
  /** Lowest one above `pass` that missed it; null when nothing above missed (the ceiling was not reached). */
  fail: number | null;
  /** Steps this trial ran (repeats included). */
  steps: number;
  /** The search ran out of steps, or ended on a step that stayed invalid, before its bracket closed. */
  unfinished?: boolean;
  /** The step that stayed invalid and ended the search, with its reasons. */
  invalid?: string;
  /** Unmeasured load before the first step (its GC phase): offered rate, seconds run, and the span it was drawn from. */
  phaseShift?: { rps: number; seconds: number; spanS: number };
  /** The target's files read into the page cache before this trial of the workload (`pageCache: warm`). */
  pageCache?: PageCacheWarming;
}

/**
 * A target's files read into the page cache before a trial of a workload: every file of its database's
 * data directory and every file its processes map, how many MiB, how many of them storage had to give
 * (machine-wide pgpgin over the reading: what had been evicted), and how long it took.
 */
export interface PageCacheWarming {
  files: number;
  mib: number;
  /** Absent where /proc/vmstat cannot be read. */
  fromStorageMiB?: number;
  seconds: number;
}

/**
 * The A/A calibration: one system measured under two labels, interleaved with everything else.
 * Its spread says how far the same system moves from trial to trial on this machine.
 */
export interface CalibrationRecord {
  /** The two labels, e.g. `memory` and `memory (A/A twin)`. */
  labels: [string, string];
  workload: string;
  /** Every trial's passing rate of both labels. */
  values: number[];
  /** max / min - 1 of those values: how far single trials of the same system moved, as a fraction. */
  spread: number;
  /** higher / lower - 1 of the two labels' medians (absent in runs before the seventh round). */
  medianDifference?: number;
  /** The search grid's step as a fraction (absent in runs before the seventh round). */
  resolution?: number;
  /**
   * What the report requires two medians to differ by before it calls one backend faster (a fraction):
   * the median difference, at least one grid step. Runs before the seventh round used the spread.
   */
  noiseFloor: number;
  /** The A/A verdict at the grid's resolution: a tie unless the method is broken or the machine misbehaved. */
  verdict: 'tie' | 'different';
  /**
   * The other half of a calibration (`storebench calibrate`): the same system with a known extra cost
   * per request, sized to cut its capacity by a third, must be found slower (the method can see a
   * real difference; a tie here means it cannot).
   */
  sensitivity?: {
    label: string;
    /** The capacity ratio the extra cost was sized for (1.5: a third less capacity). */
    expectedRatio: number;
    /** Median of the system without the cost / median with it. */
    ratio?: number;
    /** How the system without the cost came out against the one with it: `faster` is right. */
    verdict: 'faster' | 'slower' | 'tie';
    reason: string;
  };
}

/**
 * How the preparation action of a database restarted for a trial begins: the report (which backends were
 * restarted) and the tests find it by this, so the words are written once.
 */
export const RESTART_ACTION = 'restarted the database server on its data';

/** Preparation of one backend before measuring. */
export interface PreparationRecord {
  backend: string;
  /** The trial it was done for, when it is done again before every trial (a restart, a JIT warm-up); absent: once. */
  trial?: number;
  /** e.g. `CHECKPOINT 0.4 s`, `VACUUM ANALYZE 1.2 s`, `nodetool flush 3.1 s`, `warm-up 10 s at 500 RPS`. */
  actions: string[];
  seconds: number;
}

/** CPU placement of the run. */
export interface PlacementRecord {
  /** `pinned` when the load generator and the system under test had CPUs of their own, else `shared`. */
  mode: 'pinned' | 'shared';
  loadGeneratorCpus: string;
  systemUnderTestCpus: string;
  /** Why pinning was not used, when shared. */
  note?: string;
  /** V8 flags every API process ran with because of this placement (absent: none). */
  apiNodeFlags?: string[];
}

/** A backend the run wanted but could not provision, seed, serve or verify. */
export interface SkippedBackendRecord {
  backend: string;
  reason: string;
}

/** How `storebench compare` set the run up (absent in runs written by `storebench load`). */
export interface CompareSettings {
  /** Dataset scale every backend was seeded with (name or primary record count). */
  scale: string | number;
  /** Seed of the dataset generator. */
  datasetSeed: number;
  /** How servers were obtained: auto | local | docker | external. */
  provision: string;
  /**
   * How the API was laid out, one entry per measured variant: API processes (behind nginx when more
   * than one), cluster workers per process, the balancing policy, the Redis cache. With several
   * variants, each backend's results are labelled `<backend> <variant>` (e.g. `postgres x4 least_conn`).
   */
  topologies: Array<{ instances: number; workers: number; balancer: 'least_conn' | 'round_robin'; cache: boolean }>;
  /** The preset the run started from. */
  preset: 'default' | 'full';
  /** CPU placement asked for (what was actually done is `RunResult.placement`). */
  placement?: 'pinned' | 'shared';
  /** The A/A calibration as `backend:workload`, or `none`. */
  calibrate?: string;
  /**
   * Where the memory control row was measured: on every workload, or on the calibrated one only
   * (absent in runs before the choice existed: every workload).
   */
  controlRow?: 'every' | 'calibrated';
  /** `--rtt` values (`loopback`, `0.5ms~0ms`), when not only loopback. */
  rtt?: string[];
  /** `--cluster` layouts (`cassandra:3:rf=3:cl=local_quorum`), when not only single servers. */
  clusters?: string[];
  /** `--fault` specs, and the steady step they run in. */
  faults?: string[];
  faultLoad?: number;
  /** A fixed rate for the failure step instead of a fraction of each layout's max. */
  faultRps?: number;
  faultDurationS?: number;
  faultWorkload?: string;
}

/** The machine and software the run used. */
export interface EnvironmentInfo {
  hostname: string;
  /** e.g. "AMD EPYC 7B13" (first CPU model in os.cpus()). */
  cpuModel: string;
  /** Logical cores visible to the process. */
  cores: number;
  memoryTotalBytes: number;
  os: {
    platform: string;
    release: string;
    /** PRETTY_NAME from /etc/os-release when present, e.g. "Debian GNU/Linux 12 (bookworm)". */
    distro: string | null;
  };
  /** process.version, e.g. "v20.20.0". */
  node: string;
  /** Load generator name and version, e.g. { name: "storebench-open-loop", version: "1" } plus autocannon's version. */
  loadGenerator: { openModel: string; closedModel: string };
  /** Versions of the servers under test, passed in by the caller, e.g. { postgres: "15.8", storebench: "0.1.0" }. */
  serverVersions: Record<string, string>;
  /**
   * The kernel evicts memory left untouched for a while (a DAMON pageout scheme), e.g. "DAMON (kdamond 0)
   * pages out memory not accessed for 60 s or more": files a paused database read earlier leave the page
   * cache. Absent when nothing such is on (or in runs before it was read).
   */
  memoryReclaim?: string;
}

/** A load mix entry as recorded in the scenario. */
export interface MixRecord {
  /** Workload name: "usages" | "catalog" | "overview" or a custom one. */
  workload: string;
  /** Id distribution for requests that pick an id. */
  idDistribution: 'uniform' | 'zipfian' | 'last10';
  /** Request template names with their relative weights, e.g. { "GET /products/:id": 4 }. */
  weights: Record<string, number>;
}

/** The scenario as run. Mirrors harness/scenario's validated Scenario. */
export interface ScenarioRecord {
  name: string;
  workloads: string[];
  backends: string[];
  /** "rate": open model, values are offered requests/s. "concurrency": closed model, values are connections. */
  stepKind: StepKind;
  stepValues: number[];
  stepDurationS: number;
  warmupS: number;
  /** Request timeout; a request slower than this counts as a timeout error. */
  requestTimeoutMs: number;
  idDistribution: 'uniform' | 'zipfian' | 'last10';
  slo: SloRecord;
  /** Stop a ladder once this many consecutive steps miss the SLO (0 = never stop early). */
  stopAfterFailedSteps: number;
  /** `ladder` (the step values in order) or `search` (bracket and bisect on a rate grid). Absent: ladder. */
  method?: 'ladder' | 'search';
  /** Trials of every (target, workload), interleaved across targets. Absent: 1. */
  trials?: number;
  /** Search: first offered rate of a cold search, the grid's resolution and the most steps per search. */
  searchStartRps?: number;
  resolution?: number;
  maxSearchSteps?: number;
  /** Seconds of the unmeasured warm-up pass per workload when a target first starts. */
  targetWarmupS?: number;
  /** Search: a step whose miss was certain ended after this many measured seconds (absent: runs before it, never). */
  endMissedStepsAfterS?: number;
  /** Most seconds a JVM database was warmed up further until its JIT compiler went quiet (absent: runs before it, none). */
  jitWarmupMaxS?: number;
  /** New API processes for every trial, or one set paused between trials (absent: runs before it existed, `reuse`). */
  apiPerTrial?: 'fresh' | 'reuse';
  /** A database server the run started was restarted before every trial, or kept up (absent: runs before it, `keep`). */
  databasePerTrial?: 'restart' | 'keep';
  /** The target's files read into the page cache before each trial of each workload, or left as they were (absent: runs before it, `as-is`). */
  pageCache?: 'warm' | 'as-is';
  /** CPU (% of one core) processes outside the run may take during a step before it is invalid. */
  interferenceLimitPercent?: number;
  /** Most seconds of unmeasured load before a trial's first step, to draw its GC phase (absent: runs before it, none). */
  phaseShiftMaxS?: number;
  /** Seed the phase shifts were drawn from (drawn for the run unless given). */
  phaseSeed?: number;
  profile: 'none' | 'doctor' | 'flame';
  /** Mixes used, one per workload. */
  mixes: MixRecord[];
  /** Connection pool of rate steps; absent: scaled with the rate (rate / 10, 16..1024). */
  connections?: number;
  /** Seed of the request generator (which ids and bodies are sent). */
  requestSeed?: number;
  /** Before run schema 1.1 the request seed was recorded as `seed`. */
  seed?: number;
  /** Dataset scale the servers held (sets the id ranges the requests aim at). */
  scale?: string | number;
  /** Primary records per workload overriding the scale's, when given. */
  maxIds?: Record<string, number>;
  /** Index of the step run under the profiler when profile is not "none". */
  profileStep?: number;
  /** Fraction of requests in the deliberately slow class (`GET /experiment/busy`), when any. */
  slowFraction?: number;
  /** CPU milliseconds each slow request keeps its API process busy. */
  slowBusyMs?: number;
  /** usages: fraction of requests reading back ids the run created. */
  readBackFraction?: number;
  /** Present when the run came from `storebench compare`: what it provisioned and seeded. */
  compare?: CompareSettings;
}

export type StepKind = 'rate' | 'concurrency';

/** Service level objective a step must meet to count as sustainable. */
export interface SloRecord {
  /** Default 50. */
  p99Ms: number;
  /** Fraction 0..1 of requests allowed to fail (any error class). Default 0.01. */
  maxErrorRate: number;
  /** A rate step must also achieve at least this fraction of its offered rate. Default 0.95. */
  minAchievedRatio: number;
}

/** Data a (backend, workload) pair was seeded with. */
export interface DatasetRecord {
  backend: string;
  workload: string;
  /** Stable hash of the generator seed + scale (or the imported files), from the dataset stage. */
  fingerprint: string;
  /** Scale facts, e.g. { products: 100000, styles: 200000 } or { records: 1000000 }. */
  scale: Record<string, number>;
  seedDurationS?: number;
  sizeOnDiskBytes?: number;
}

/** Latency figures of a step, in milliseconds, from an HDR histogram (1 µs resolution). */
export interface LatencySummary {
  /** Number of latency samples (completed + timed-out requests of the measured window). */
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  /**
   * Percentile distribution for HDR plots: [percentile (0..100), latency ms] pairs at
   * 0, 50, 75, 90, 95, 99, 99.9, 99.99, 100.
   */
  distribution: Array<[number, number]>;
}

/** Errors of a step by class. Counts are of requests in the measured window. */
export interface ErrorCounts {
  /** Sum of every class below. */
  total: number;
  /** total / requests scheduled (rate) or sent (concurrency); 0..1. */
  rate: number;
  /** Non-2xx responses keyed by status code, e.g. { "500": 12, "503": 3 }. */
  byStatus: Record<string, number>;
  /** Requests that got no response within requestTimeoutMs. */
  timeouts: number;
  /** Connection refused/reset, parse errors and other socket-level failures. */
  socket: number;
  /** 2xx responses whose body failed the mix's check. */
  bodyMismatch: number;
  /** Requests never sent because the load generator had no free connection (rate steps only). */
  notSent: number;
}

/** CPU and memory of one role's processes during a step (sampled from /proc). */
export interface ResourceUsage {
  role: 'server' | 'database' | 'loadgen';
  /** The pids sampled (a role can have several: cluster workers, database backends). */
  pids: number[];
  /** CPU as % of one core (200 = two cores busy), averaged over the step. */
  cpuPercentAvg: number;
  /** Pids that used at least 10% of a core over the step (the ones doing the work; helpers such as esbuild excluded). */
  activePids?: number;
  /** Highest CPU % of any sampling interval. */
  cpuPercentMax: number;
  /**
   * Time the processes were runnable but waiting for a CPU (from /proc/<pid>/schedstat), as % of one core,
   * averaged over the step. High values mean the box, not the process, was the limit (shared or overloaded cores).
   */
  cpuWaitPercentAvg?: number;
  /**
   * The main threads alone (roles sampled with `mainThread`: the load generator, whose limit is its one
   * event loop), running and waiting for a CPU, as % of one core averaged over the step.
   */
  mainThread?: { cpuPercentAvg: number; cpuWaitPercentAvg: number };
  /** Resident set size summed over pids, averaged / highest over samples. */
  rssBytesAvg: number;
  rssBytesMax: number;
  /** Number of samples taken; 0 means nothing could be sampled (no /proc, pids gone). */
  samples: number;
}

/** One measured step of a ladder. */
export interface StepResult {
  backend: string;
  workload: string;
  kind: StepKind;
  /** 0-based position in its ladder. */
  index: number;
  /** Offered requests/s (rate steps) or connections (concurrency steps). */
  target: number;
  /** Connections the load generator used. */
  connections: number;
  /** Measured window length (warm-up excluded). */
  durationS: number;
  warmupS: number;
  startedAt: string;
  /** Requests the schedule called for per second (rate steps); for concurrency steps equal to achievedRps. */
  offeredRps: number;
  /**
   * Responses (any status) that arrived during the measured window, per second. Answers to warm-up
   * requests arriving in the window count too, so after a backlog it can exceed offeredRps a little.
   */
  achievedRps: number;
  /** Requests scheduled / sent / completed with a response (any status) in the measured window. */
  requests: { scheduled: number; sent: number; completed: number; ok: number };
  /** Latency from the intended send time (rate steps, coordinated omission corrected) or from the actual send (concurrency steps). */
  latencyMs: LatencySummary;
  errors: ErrorCounts;
  resources: ResourceUsage[];
  /** False when the load generator, not the server, limited the step; see invalidReasons. */
  valid: boolean;
  invalidReasons: string[];
  /** Whether the step met the SLO, with the reasons when not. */
  slo: { met: boolean; reasons: string[] };
  /** Total bytes of response bodies read (throughput in bytes/s = bytesRead / durationS). */
  bytesRead: number;
  /** Latency per request template name (same units); only templates with at least one sample. */
  byTemplate?: Record<string, { count: number; errors: number; p50: number; p99: number; max: number }>;
  /**
   * The step's whole latency histogram (HDR, microseconds, 1 us .. 1 h, 3 significant digits),
   * compressed and base64-encoded (`LatencyHistogram.decode`): percentiles can be recomputed and
   * steps or trials merged from run.json alone.
   */
  latencyHistogram?: string;
  /** The machine during the measured window: busy, stolen, and CPU taken by processes outside the run. */
  machine?: MachineUsage;
  /** Which trial (1-based) of a repeated measurement this step belongs to. */
  trial?: number;
  /** Why a search ran this step: finding the bracket, bisecting it, confirming its passing side, re-testing its missing side (or a split vote), or repeating an invalid step. */
  searchPhase?: 'bracket' | 'bisect' | 'confirm' | 'retest' | 'repeat';
  /** Pauses reported by the system under test during the measured window. */
  pauses?: { api?: PauseSummary; database?: PauseSummary };
  /** Database-side waits sampled during the window, e.g. PostgreSQL wait event types of active sessions: { Lock: 3, IO: 12, CPU: 40 }. */
  databaseWaits?: Record<string, number>;
  /** For a step that missed the SLO: its most likely cause, from the figures above. */
  cause?: string;
  /**
   * A search step ended early because its SLO miss was already certain (`endMissedStepsAfterS`): its
   * measured window (durationS) is `afterS` of the planned `plannedS` seconds, and `reason` says why.
   */
  endedEarly?: { afterS: number; plannedS: number; reason: string };
}

/** Stop-the-world pauses and event-loop delay of a process group over a window. */
export interface PauseSummary {
  /** Garbage collections seen, their total and longest pause, ms. */
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
  /**
   * Node processes: V8 major collections (mark-compact) among them. Their marking runs on helper
   * threads, which on a core shared with the database stall the API for far longer than the pause
   * reported; at catalog rates they came every 2-8 s.
   */
  majorGcCount?: number;
  /** Node processes: the worst per-second event-loop delay p99 and max, ms. */
  loopDelayP99Ms?: number;
  loopDelayMaxMs?: number;
}

/** The machine as a whole during a step's measured window (from /proc). */
export interface MachineUsage {
  cores: number;
  /** CPU busy machine-wide (user + nice + system), as % of one core. */
  busyPercentAvg: number;
  /** Time the hypervisor gave to other guests, % of one core. */
  stealPercentAvg: number;
  /** CPU of processes that are not part of the run (nor kernel threads), % of one core. */
  otherPercentAvg: number;
  /** The busiest of those, e.g. `node (pid 123) 45%`. */
  topOthers: string[];
  samples: number;
  /** A 4 KiB write + fdatasync in the temp dir every 100 ms during the window: how fast the disk made data durable. */
  diskSync?: DiskSyncUsage;
  /**
   * What the machine read from storage during the window (/proc/vmstat pgpgin, pgmajfault): files that were
   * not in the page cache. Absent where it cannot be read, and in runs before it was sampled.
   */
  storageRead?: { mib: number; majorFaults: number };
}

/** Timed small durable writes (write + fdatasync) during a window. */
export interface DiskSyncUsage {
  count: number;
  p50Ms: number;
  /** The slowest, including one still in flight when the window ended (time so far). */
  maxMs: number;
}

/** Highest step meeting the SLO for one (backend, workload), in one trial. */
export interface SustainableThroughput {
  backend: string;
  workload: string;
  /** The trial (1-based) when the run has several. */
  trial?: number;
  kind: StepKind;
  /** Achieved RPS of the best valid step meeting the SLO; null when none met it. */
  maxSustainableRps: number | null;
  /** Target of that step (offered RPS or connections); null when none. */
  atTarget: number | null;
  /** p99 at that step. */
  p99Ms: number | null;
  /** True when the ladder stopped before a step failed the SLO (the real ceiling may be higher). */
  ceilingNotReached: boolean;
}

/** One clinic profile attempt. */
export interface ProfileRecord {
  tool: 'doctor' | 'flame';
  backend: string;
  workload: string;
  /** The step's target it ran under. */
  target: number;
  ok: boolean;
  /** Path of the HTML report relative to the run folder, when ok. */
  htmlPath: string | null;
  /** Why it failed (clinic missing, exit code, no output...), when not ok. */
  error: string | null;
}
