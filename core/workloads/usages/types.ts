/** What a client posts to `POST /api/usages`. All three fields are non-empty strings. */
export interface UsageInput {
  patientId: string;
  timestamp: string;
  medication: string;
}

/**
 * A stored usage. The id is opaque to the API: a string of 1..64 characters
 * from [A-Za-z0-9-] chosen by the adapter (a bigint identity in PostgreSQL,
 * a timeuuid in Cassandra, an ObjectId in MongoDB). Ids are not comparable
 * across backends; bodies are.
 */
export interface Usage extends UsageInput {
  id: string;
}
