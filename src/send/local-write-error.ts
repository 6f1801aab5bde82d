/**
 * Thrown by a transport whose own local write failed (an outbox file): the run stops, as for the
 * ledger. In a module of its own so the state code can test for it without loading nodemailer.
 */
export class LocalWriteError extends Error {
  override readonly name = 'LocalWriteError';
}
