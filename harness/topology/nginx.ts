import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../provision/ports.ts';
import type { ServerHost } from '../provision/index.ts';
import { killGroup, registerOwned } from '../provision/process-registry.ts';

/** How nginx spreads requests over the API instances. */
export type BalancerPolicy = 'least_conn' | 'round_robin';
export const BALANCER_POLICIES: readonly BalancerPolicy[] = ['least_conn', 'round_robin'];

export interface RunningBalancer {
  url: string;
  pid: number;
  policy: BalancerPolicy;
  stop(): Promise<void>;
}

const NGINX_CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];

/** The nginx binary, or null when none is installed (`bash scripts/servers/install` installs it). */
export function nginxBinary(): string | null {
  return NGINX_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/**
 * The configuration: one worker process (our machines have 2 cores, shared with the API and the
 * load generator), keep-alive to the upstreams so nginx does not open a connection per request,
 * no access log. Round robin is nginx's default when no policy directive is given.
 */
export function nginxConfig(options: {
  /** The address it listens on (default 127.0.0.1). */
  address?: string;
  dir: string;
  port: number;
  upstreams: string[];
  policy: BalancerPolicy;
  runAsRoot: boolean;
}): string {
  const servers = options.upstreams.map((u) => `    server ${new URL(u).host} max_fails=0;`).join('\n');
  return `# written by storebench (harness/topology/nginx.ts)
${options.runAsRoot ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${options.dir}/nginx.pid;
error_log ${options.dir}/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${options.dir}/client_body;
  proxy_temp_path ${options.dir}/proxy;
  fastcgi_temp_path ${options.dir}/fastcgi;
  uwsgi_temp_path ${options.dir}/uwsgi;
  scgi_temp_path ${options.dir}/scgi;
  keepalive_requests 1000000;
  upstream storebench_api {
${options.policy === 'least_conn' ? '    least_conn;\n' : ''}${servers}
    keepalive 256;
    keepalive_requests 1000000;
  }
  server {
    listen ${options.address ?? '127.0.0.1'}:${options.port};
    location / {
      proxy_pass http://storebench_api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_read_timeout 120s;
    }
  }
}
`;
}

/**
 * Starts nginx on a free loopback port (or on `host`, a network host, at port 8080) in front of
 * `upstreams` (API base URLs), in a fresh temp dir, in its own process group, registered so Ctrl-C
 * stops it and removes the dir.
 */
export async function startBalancer(
  upstreams: string[],
  policy: BalancerPolicy,
  port?: number,
  host?: ServerHost,
): Promise<RunningBalancer> {
  const nginx = nginxBinary();
  if (!nginx)
    throw new Error('nginx is not installed (Debian: apt-get install nginx, or bash scripts/servers/install)');
  const dir = await mkdtemp(join(tmpdir(), 'storebench-nginx-'));
  await mkdir(join(dir, 'client_body'));
  port ??= host ? 8080 : await freeLoopbackPort();
  const address = host?.address ?? '127.0.0.1';
  const config = join(dir, 'nginx.conf');
  const runAsRoot = process.getuid?.() === 0;
  await writeFile(config, nginxConfig({ dir, port, address, upstreams, policy, runAsRoot }));
  const argv = [...(host ? ['ip', 'netns', 'exec', host.namespace] : []), nginx, '-p', dir, '-c', config];
  const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const pid = child.pid!;
  const exited = once(child, 'exit');
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      // QUIT: graceful (finish in-flight requests); KILL if it lingers.
      killGroup(pid, 'SIGQUIT');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const unregister = registerOwned({ pid, dirs: [dir], stop });
  const url = `http://${address}:${port}`;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) {
        return {
          url,
          pid,
          policy,
          stop: async () => {
            await stop();
            unregister();
          },
        };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
  await stop();
  unregister();
  throw new Error(`nginx did not answer /healthz through ${url}: ${(stderr + log).trim().slice(-800)}`);
}
