export { mix32, normalizeSeed, SeededRandom } from './random.ts';
export { BATCH_SIZE, rowStream, type RowStream } from './stream.ts';
export {
  checkScale,
  countAtScale,
  DEFAULT_SCALE,
  scaleLabel,
  SCALE_NAMES,
  type DatasetOptions,
  type Scale,
  type ScaleName,
} from './scale.ts';
export * as vocabulary from './vocabulary.ts';
