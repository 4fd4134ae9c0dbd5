/**
 * A failure injected during a steady step: `kill:<member>@<s>` (kill -9 of a cluster member's
 * process group) or `partition:<member>@<s>` (its network link cut; needs hosts in namespaces),
 * `<s>` seconds into the measured window. `+<s>` restarts the killed member on its data, or mends
 * the link, that much later; without it the member stays lost until the step ends.
 */
export interface FaultSpec {
  action: 'kill' | 'partition';
  /** A member name of the cluster: `node2`, `primary`, `standby`, `server`. */
  member: string;
  atS: number;
  /** Restart (kill) or heal (partition) this many seconds after the fault. */
  forS?: number;
}

const SPEC = /^(kill|partition):([a-z][a-z0-9-]*)@(\d+(?:\.\d+)?)s?(?:\+(\d+(?:\.\d+)?)s?)?$/;

/** Parses `kill:node2@10`, `partition:primary@15+20`. Throws a RangeError saying the form. */
export function parseFault(text: string): FaultSpec {
  const match = SPEC.exec(text.trim());
  if (!match) {
    throw new RangeError(
      `--fault "${text}": expected kill:<member>@<seconds>[+<seconds>] or partition:<member>@<seconds>[+<seconds>]`,
    );
  }
  const [, action, member, at, forS] = match;
  return {
    action: action as FaultSpec['action'],
    member: member!,
    atS: Number(at),
    ...(forS !== undefined && { forS: Number(forS) }),
  };
}

/** `kill:node2@10`, `partition:primary@15+20`: the form parseFault reads. */
export function faultLabel(fault: FaultSpec): string {
  return `${fault.action}:${fault.member}@${fault.atS}${fault.forS !== undefined ? `+${fault.forS}` : ''}`;
}
