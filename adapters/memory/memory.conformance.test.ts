import { runConformance } from '../../core/conformance/index.ts';
import { createMemoryBackend } from './index.ts';

runConformance('memory', async () => createMemoryBackend());
