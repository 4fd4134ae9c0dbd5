import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { scenarioSchema, type Scenario } from './schema.ts';

/** A scenario that failed validation; the message lists every problem with its path. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

/** Validates a parsed scenario object (file contents merged with CLI overrides). */
export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(input ?? {});
  if (!result.success) throw new ScenarioError(`${source}: invalid scenario\n${z.prettifyError(result.error)}`);
  return result.data;
}

/** Reads a .yaml/.yml/.json scenario file; `overrides` (e.g. from CLI flags) win over the file. */
export async function loadScenarioFile(path: string, overrides: Record<string, unknown> = {}): Promise<Scenario> {
  const text = await readFile(path, 'utf8');
  let data: unknown;
  try {
    data = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ScenarioError(
      `${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    );
  }
  if (data !== null && data !== undefined && (typeof data !== 'object' || Array.isArray(data))) {
    throw new ScenarioError(`${path}: a scenario is a mapping of fields`);
  }
  return parseScenario({ ...(data as object | null), ...overrides }, path);
}
