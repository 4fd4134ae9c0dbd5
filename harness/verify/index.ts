export { firstDifference } from './compare.ts';
export { serveBackend, startMemoryReference, type RunningApi } from './reference.ts';
export {
  formatVerifyReport,
  verifyBackends,
  VerifyMismatchError,
  type VerifyDiff,
  type VerifyOptions,
  type VerifyReport,
} from './verify.ts';
