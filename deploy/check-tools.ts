import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { onPath, serversHome } from '../harness/provision/install-paths.ts';

/** The validators the deployment checks run; scripts/servers/install installs each. */
export type CheckTool = 'docker-compose' | 'compose-check' | 'kubernetes-validate' | 'schemathesis';

/** apt puts docker-compose on PATH; the install script builds the others into <servers home>/bin. */
function locate(tool: CheckTool): string | undefined {
  if (tool === 'docker-compose') return onPath(tool);
  const path = join(serversHome(), 'bin', tool);
  return existsSync(path) ? path : undefined;
}

/**
 * The path of a check tool, or a skip reason said loudly. Under CI=true a missing
 * tool is an error: the check it serves must run there.
 */
export function checkTool(tool: CheckTool): { path?: string; skip?: string } {
  const path = locate(tool);
  if (path) return { path };
  const reason = `SKIPPED: ${tool} is not installed (run \`bash scripts/servers/install\` as root)`;
  if (process.env.CI === 'true') throw new Error(`CI: ${reason}`);
  console.warn(`\n!!!!! ${reason} !!!!!\n`);
  return { skip: reason };
}
