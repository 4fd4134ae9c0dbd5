const MAX_INT4 = 2_147_483_647;

/** Whether a number fits the schema's `integer` ids; others can name no row (and would make the server error). */
export function isInt4(id: number): boolean {
  return Number.isInteger(id) && id >= -MAX_INT4 - 1 && id <= MAX_INT4;
}
