import {
  BATCH_SIZE,
  countAtScale,
  rowStream,
  SeededRandom,
  type DatasetOptions,
  type RowStream,
} from '../../dataset/index.ts';
import {
  ADJECTIVES,
  GAME_NOUNS,
  GAME_SUFFIXES,
  GAME_SENTENCES,
  STUDIO_SUFFIXES,
  TAGS,
} from '../../dataset/vocabulary.ts';
import type { OverviewRecord } from './types.ts';

const STREAM_RECORD = 1;

/** Game records per named scale (the scaling log's production set is 10M). */
export const OVERVIEW_SCALES = { tiny: 1_000, small: 100_000, medium: 1_000_000, full: 10_000_000 } as const;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Overview records with game_id 1..N in order. Every record is a pure function
 * of (seed, game_id): `overviewRecord(seed, id)` recomputes any one of them.
 */
export function overviewDataset(options: DatasetOptions): RowStream<OverviewRecord> {
  const count = countAtScale(OVERVIEW_SCALES, options.scale);
  const seed = options.seed ?? 1;
  return rowStream(function* () {
    const random = new SeededRandom(seed);
    for (let start = 1; start <= count; start += BATCH_SIZE) {
      const end = Math.min(count, start + BATCH_SIZE - 1);
      const batch: OverviewRecord[] = new Array(end - start + 1);
      for (let id = start; id <= end; id++) batch[id - start] = generate(random, id);
      yield batch;
    }
  });
}

/** The record the generator produces for one game id (what the load runner and verify can expect). */
export function overviewRecord(seed: number, gameId: number): OverviewRecord {
  return generate(new SeededRandom(seed), gameId);
}

function generate(random: SeededRandom, id: number): OverviewRecord {
  random.at(STREAM_RECORD, id);
  const game_name = `${random.pick(ADJECTIVES)} ${random.pick(GAME_NOUNS)}${random.pick(GAME_SUFFIXES)}`;
  let description = random.pick(GAME_SENTENCES);
  for (let n = random.between(1, 5); n > 0; n--) description += ' ' + random.pick(GAME_SENTENCES);
  const year = random.between(1985, 2026);
  const month = random.between(1, 12);
  const day = random.between(1, DAYS_IN_MONTH[month - 1]!);
  const developer = `${random.pick(ADJECTIVES)} ${random.pick(STUDIO_SUFFIXES)}`;
  const publisher = random.chance(0.3) ? developer : `${random.pick(ADJECTIVES)} ${random.pick(STUDIO_SUFFIXES)}`;
  return {
    game_id: id,
    game_name,
    description,
    release_date: `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`,
    developer,
    publisher,
    tags: distinctTags(random, random.between(1, 8)),
  };
}

/** k distinct tags in draw order (k <= 8 of 40: rejection with a linear check beats shuffling the list). */
function distinctTags(random: SeededRandom, k: number): string[] {
  const tags: string[] = [];
  while (tags.length < k) {
    const tag = random.pick(TAGS);
    if (!tags.includes(tag)) tags.push(tag);
  }
  return tags;
}
