import type { AdapterConformance } from '../../core/conformance/index.ts';
import { createMemoryBackend } from './index.ts';

/** The memory adapter in the conformance suite: it is the reference, in process, with no server. */
export function conformanceSetup(): AdapterConformance {
  return {
    name: 'memory',
    factory: async () => createMemoryBackend(),
    options: {
      reference: createMemoryBackend,
      unreachable: { optOut: 'in process: there is no server to be unreachable' },
      outage: { optOut: 'in process: there is no server to lose' },
      optOut: {
        'aborted-load-writes-nothing': 'keeps the rows it read before the load noticed the abort (no transaction)',
        'orphan-rows-fail-the-load': 'keeps a photo whose style was not loaded; no read ever reaches it',
      },
    },
  };
}
