/**
 * A game overview record. `game_id` is a positive 32-bit integer chosen by the
 * client; `release_date` is an ISO date `YYYY-MM-DD`; `tags` holds 0..32 strings.
 */
export interface OverviewRecord {
  game_id: number;
  game_name: string;
  description: string;
  release_date: string;
  developer: string;
  publisher: string;
  tags: string[];
}

/** The body of `PUT /api/overview/:gameId`: every field but the id (full replace). */
export type OverviewUpdate = Omit<OverviewRecord, 'game_id'>;
