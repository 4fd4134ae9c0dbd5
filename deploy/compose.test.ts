// docker-compose.yml must load in both compose implementations users have, with every profile (issue 14
// item 11): docker-compose 1.29 (apt; what Debian 12 and Ubuntu 22.04 package) and Docker Compose v2
// (compose-check: its loader, compose-go). Each catches faults the other lets through, which the two
// broken fixtures prove. Neither needs a Docker engine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT } from '../harness/provision/index.ts';
import { checkTool } from './check-tools.ts';

const COMPOSE_FILE = join(REPO_ROOT, 'docker-compose.yml');
const fixture = (name: string) => join(REPO_ROOT, 'deploy', 'fixtures', name);

/** The file's defaults, not the caller's overrides: no STOREBENCH_* or COMPOSE_* from this shell. */
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(STOREBENCH_|COMPOSE_)/.test(key)),
);

function run(tool: string, args: string[]) {
  const result = spawnSync(tool, args, { cwd: REPO_ROOT, env: cleanEnv, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** What compose-check -json prints, as far as these checks read it. */
interface ComposeProject {
  services: Record<
    string,
    {
      profiles?: string[];
      build?: { context: string; dockerfile: string; target?: string };
      volumes?: { type: string; source: string }[];
    }
  >;
}

describe('docker-compose.yml', () => {
  describe('docker-compose 1.29', () => {
    const { path: v1, skip } = checkTool('docker-compose');

    test('config accepts the file without a profile and with each profile', { skip }, () => {
      const listed = run(v1!, ['-f', COMPOSE_FILE, 'config', '--profiles']);
      assert.equal(listed.status, 0, listed.output);
      const profiles = listed.output.trim().split('\n').filter(Boolean);
      assert.deepEqual(profiles.sort(), ['api', 'cassandra-ring', 'harness', 'mongo-rs', 'postgres-standby']);
      for (const profile of [undefined, ...profiles]) {
        const args = ['-f', COMPOSE_FILE, ...(profile ? ['--profile', profile] : []), 'config', '-q'];
        const result = run(v1!, args);
        assert.equal(result.status, 0, `docker-compose ${args.join(' ')}:\n${result.output}`);
      }
    });

    test("rejects a shell's $(...) that is not written $$(...)", { skip }, () => {
      const result = run(v1!, ['-f', fixture('compose-unescaped-dollar.yml'), 'config', '-q']);
      assert.notEqual(result.status, 0);
      assert.match(
        result.output,
        /Invalid interpolation format for "healthcheck" option in service "cassandra-ring-2"/,
      );
    });
  });

  describe('Docker Compose v2 (compose-check)', () => {
    const { path: v2, skip } = checkTool('compose-check');

    test('loads the file with no profile, each profile and every profile', { skip }, () => {
      const result = run(v2!, [COMPOSE_FILE]);
      assert.equal(result.status, 0, result.output);
      const sets = [...result.output.matchAll(/^ok profiles=(\S+) /gm)].map((m) => m[1]);
      assert.deepEqual(sets, ['(none)', 'api', 'cassandra-ring', 'harness', 'mongo-rs', 'postgres-standby', '*']);
    });

    test('rejects a dependency on a service whose profile is off', { skip }, () => {
      const result = run(v2!, [fixture('compose-profile-dependency.yml')]);
      assert.equal(result.status, 1);
      assert.match(result.output, /profiles=\(none\): service "nginx" depends on undefined service "api"/);
    });

    test('every build names a Dockerfile stage that exists, every bind mount a path that exists', { skip }, () => {
      const result = spawnSync(v2!, ['-json', COMPOSE_FILE], { env: cleanEnv, encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      const project = JSON.parse(result.stdout) as ComposeProject;
      const builds = Object.entries(project.services).filter(([, s]) => s.build);
      assert.deepEqual(
        builds.map(([name, s]) => [name, s.build!.dockerfile, s.build!.target]),
        [
          ['api', 'docker/api.Dockerfile', 'runtime'],
          ['harness', 'docker/harness.Dockerfile', 'runtime'],
        ],
      );
      for (const [name, service] of builds) {
        const dockerfile = readFileSync(join(service.build!.context, service.build!.dockerfile), 'utf8');
        assert.match(dockerfile, new RegExp(`^FROM \\S+ AS ${service.build!.target}$`, 'm'), name);
      }
      for (const [name, service] of Object.entries(project.services)) {
        for (const volume of service.volumes ?? []) {
          if (volume.type === 'bind') assert.ok(existsSync(volume.source), `${name}: ${volume.source} missing`);
        }
      }
    });
  });
});
