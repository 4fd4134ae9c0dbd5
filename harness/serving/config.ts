import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { LogLevel } from '../../core/logging/index.ts';
import { SERVER_OF, type BackendName } from '../backends/index.ts';
import { UsageError } from '../cli/flags.ts';
import { findEndpoint } from '../provision/index.ts';
import type { BalancerPolicy } from '../topology/index.ts';
import { SERVE_OPTIONS, type ServeOption } from './options.ts';

/** `storebench serve`'s configuration, resolved once at start from its flags and `STOREBENCH_*` variables. */
export interface ServeConfig {
  backend: BackendName;
  /** The database URL (none for memory, or when no server is known: createBackend then says so). */
  url?: string;
  host: string;
  port: number;
  workers: number;
  migrate: boolean;
  requireDb: boolean;
  logLevel: LogLevel;
  accessLogSample: number;
  shutdownGraceMs: number;
  bodyLimitBytes: number;
  cache?: 'redis';
  redisUrl?: string;
  cacheTtlSeconds: number;
  instances: number;
  balancer: BalancerPolicy;
  experimentRoutes: boolean;
  reportPauses: boolean;
  seedWorkloads?: string;
  scale: string;
  datasetSeed: number;
  /** Options for the chosen backend's factory (`poolSize`, `consistency`, `writeConcern`...), as given. */
  adapter: Record<string, unknown>;
}

/** Where a value came from: `--port`, `STOREBENCH_PORT` or `default`. */
export type ValueSource = string;

export interface ResolvedServeConfig {
  config: ServeConfig;
  sources: Record<string, ValueSource>;
  /** The values given as flags, as the `STOREBENCH_*` variables that would give them (the database URL aside). */
  flagsAsEnvironment: Record<string, string>;
  help: boolean;
}

/** The parseArgs options of `serve`, from the option table. */
export function serveFlags(): NonNullable<ParseArgsConfig['options']> {
  const flags: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const option of SERVE_OPTIONS) flags[option.flag] = { type: option.boolean ? 'boolean' : 'string' };
  return flags;
}

/**
 * Flags, then `STOREBENCH_*` variables, then defaults; each value checked once by its option's schema.
 * A bad value throws a UsageError naming the flag or the variable it came from.
 */
export function resolveServeConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): ResolvedServeConfig {
  const { values } = parseArgs({ args: argv, options: serveFlags() });
  const settings: Record<string, unknown> = {};
  const sources: Record<string, ValueSource> = {};
  const flagsAsEnvironment: Record<string, string> = {};
  const take = (option: ServeOption, raw: string, source: ValueSource): void => {
    const parsed = option.schema.safeParse(raw);
    if (!parsed.success) {
      throw new UsageError(`${source}: ${parsed.error.issues[0]?.message ?? 'invalid'} (got "${raw}")`);
    }
    settings[option.key] = parsed.data;
    sources[option.key] = source;
  };
  for (const option of SERVE_OPTIONS) {
    const given = values[option.flag];
    if (given !== undefined) {
      const raw = option.boolean ? String(option.boolean === 'set') : String(given);
      take(option, raw, `--${option.flag}`);
      if (option.key !== 'url') flagsAsEnvironment[option.env] = raw;
    } else if (option.key !== 'url' && env[option.env] !== undefined && env[option.env] !== '') {
      take(option, env[option.env]!, option.env);
    } else if (option.default !== undefined) {
      settings[option.key] = option.default;
      sources[option.key] = 'default';
    }
  }
  const backend = settings.backend as BackendName;
  const kind = SERVER_OF[backend];
  if (kind && settings.url === undefined) {
    const variable = `STOREBENCH_${kind.toUpperCase()}_URL`;
    const found = env[variable] ? { url: env[variable] } : findEndpoint(kind);
    if (found) {
      settings.url = found.url;
      sources.url = env[variable] ? variable : '`storebench servers up`';
    }
  }
  if (settings.cache === 'redis' && settings.redisUrl === undefined) {
    throw new UsageError(`${sources.cache}=redis needs a Redis URL: --redis-url or STOREBENCH_REDIS_URL`);
  }
  const adapter: Record<string, unknown> = {};
  for (const option of SERVE_OPTIONS) {
    if (option.adapter?.backend === backend && option.key in settings) {
      adapter[option.adapter.adapterKey] = settings[option.key];
    }
  }
  const config = { ...settings, adapter: adapterConfig(backend, adapter) } as unknown as ServeConfig;
  return { config, sources, flagsAsEnvironment, help: values.help === true };
}

/** The mongo adapter takes `w` and `j` as one `writeConcern`; the others take the options as they are. */
function adapterConfig(backend: BackendName, options: Record<string, unknown>): Record<string, unknown> {
  if (backend !== 'mongo' || (options.writeConcern === undefined && options.journal === undefined)) return options;
  const { writeConcern, journal, ...rest } = options;
  const w = writeConcern === undefined || writeConcern === 'majority' ? writeConcern : Number(writeConcern);
  return { ...rest, writeConcern: { ...(w !== undefined && { w }), ...(journal !== undefined && { j: journal }) } };
}

/** `postgres://user:***@host/db`: the password of a URL's user info and of password-like query parameters. */
export function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][\w+.-]*:\/\/[^:@/]*):[^@/]*@/i, '$1:***@')
    .replace(/([?&](?:password|pass|pwd|secret|token)=)[^&]*/gi, '$1***');
}

/** The configuration as the start-up line shows it: every value, secrets redacted. */
export function describeConfig(config: ServeConfig): Record<string, unknown> {
  const shown: Record<string, unknown> = { ...config };
  for (const option of SERVE_OPTIONS) {
    if (option.secret && typeof shown[option.key] === 'string')
      shown[option.key] = redactUrl(shown[option.key] as string);
  }
  return shown;
}

/** The help lines of every option: flag, variable, default. */
export function optionsHelp(): string {
  return SERVE_OPTIONS.map((o) => {
    const flag = `--${o.flag}${o.boolean ? '' : ' V'}`.padEnd(34);
    const fallback = o.default === undefined ? '' : ` (default ${String(o.default)})`;
    return `  ${flag} ${o.env}\n  ${' '.repeat(34)} ${o.help}${fallback}`;
  }).join('\n');
}
