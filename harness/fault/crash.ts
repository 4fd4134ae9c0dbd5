import type { ProvisionedServer } from '../provision/index.ts';

/** A clock in ms; pass the measurement's own (e.g. `SteadyWrites.now`) so fault times line up with its samples. */
export type Clock = () => number;

function unsupported(server: ProvisionedServer, what: string): Error {
  return new Error(
    `${server.endpoint.kind} via ${server.endpoint.provisioner} cannot ${what}: only servers the local provisioner started can`,
  );
}

/**
 * kill -9 of the server's whole process group (local provisioner), its data kept for `restartServer`.
 * Returns when the kill was sent on `clock` and how long the processes took to be gone.
 */
export async function crashServer(
  server: ProvisionedServer,
  clock: Clock = () => performance.now(),
): Promise<{ killedAtMs: number; killMs: number }> {
  if (!server.crash) throw unsupported(server, 'crash');
  const killedAtMs = clock();
  await server.crash();
  return { killedAtMs, killMs: clock() - killedAtMs };
}

/**
 * Starts a crashed server again on the same data dir and port, through its own recovery. Returns when the
 * restart began on `clock` and how long until the server answered a real query.
 */
export async function restartServer(
  server: ProvisionedServer,
  clock: Clock = () => performance.now(),
): Promise<{ restartedAtMs: number; readyMs: number }> {
  if (!server.restart) throw unsupported(server, 'restart');
  const restartedAtMs = clock();
  await server.restart();
  return { restartedAtMs, readyMs: clock() - restartedAtMs };
}
