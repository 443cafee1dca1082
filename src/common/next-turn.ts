/**
 * Resolves after the current turn of the event loop. A statement asked for reaches the database
 * driver through TypeORM's promises, a few microtasks later, and an answer read from the socket
 * hands the connection its next waiting statement only in a later turn: awaiting this before CPU
 * work of some milliseconds lets what was asked for go out first, so that the database works
 * while the service builds.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
