/** The rules of `database.url`, held apart from the schema so the state part of a config is read without zod. */
export const POSTGRES_URL = /^postgres(ql)?:\/\/[^\s]*$/;
export const NOT_POSTGRES_URL = 'must be a postgres:// URL';
export const HOLDS_PASSWORD = 'must not hold a password (nor ?password=): set PGPASSWORD instead';

/** A password in the URL (`user:secret@`) or its query (`?password=`): pg reads PGPASSWORD instead. */
export function holdsPassword(url: string): boolean {
  return /^[^/]*\/\/[^/@]*:[^/@]*@/.test(url) || /[?&][^=&]*pass[^=&]*=/i.test(url);
}

/** A `database.url` the schema takes as it is. */
export function validDatabaseUrl(url: string): boolean {
  return POSTGRES_URL.test(url) && !holdsPassword(url);
}
