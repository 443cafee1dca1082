import type { EntityManager } from 'typeorm';
import { formatStatement } from './sql-format';

/**
 * The answer to the statements asked for, of a text that sent statements of its own ahead of them
 * (`first` of them: a START TRANSACTION, held statements). mysql2 answers a multi-statement text
 * with an array per part of its callback (results, fields), one item per statement; each part is
 * passed through here. One statement left is answered as if it had been sent alone.
 */
export function answersAfter(answer: unknown, first: number): unknown {
  if (!Array.isArray(answer)) return answer;
  const rest = answer.slice(first);
  return rest.length === 1 ? (rest[0] as unknown) : rest;
}

/**
 * What a statement sent later answers at once (a held one, held-statements.ts, or a gathered one):
 * nothing affected, no insert id.
 */
export const ANSWERED_LATER = Object.freeze({ affectedRows: 0, insertId: 0, warningStatus: 0 });

/** Statements gathered by gatherStatements, and how to send them. */
export interface GatheredStatements {
  /**
   * The manager, but each statement sent through it is gathered, with its values bound, and
   * answered at once with no answer of its own: for writes whose answers nobody reads.
   */
  m: EntityManager;
  /** For statements whose answers are read: each sent at once, with everything gathered ahead of it in its text. */
  reads: Pick<EntityManager, 'query'>;
  /** Sends everything gathered in one text; settles once every statement of it has answered. */
  send(): Promise<void>;
}

/**
 * A batch of statements sent as one text, one round trip, once the caller has built them all
 * (MySQL/MariaDB: the pool's `multipleStatements`): a copy's chunk of related rows is tens of
 * statements, each of which otherwise waited for the event loop to read the answer ahead of it
 * before it was sent. If one fails the server runs none after it, and `send` (or the `read` that
 * carried it) fails with its error; what is never sent never runs, so a caller that fails before
 * it sends leaves nothing behind. The order is the order asked for. On SQLite, which has no round
 * trips, the manager is `m` itself and every statement runs as it is asked for.
 *
 * Not WITH_NEXT (held-statements.ts), which holds the statements on the connection: a held
 * statement asked for while another waits there behind the one on the wire (a chunk's read, sent
 * ahead) waits its turn to be held, and so would the copy's building of the rest of its chunk.
 * These stay with the caller until `send`, whatever the connection is doing.
 */
export function gatherStatements(m: EntityManager): GatheredStatements {
  const options = m.connection.options;
  if (options.type !== 'mysql') {
    return { m, reads: m, send: async () => {} };
  }
  const timeZone = options.timezone;
  let gathered: string[] = [];
  const bind = (text: string, params?: unknown[]) =>
    params && params.length > 0 ? formatStatement.call(undefined, text, params, timeZone) : text;
  const take = () => {
    const texts = gathered;
    gathered = [];
    return texts;
  };
  const query = (text: string, params?: unknown[]) => {
    gathered.push(bind(text, params));
    return Promise.resolve(ANSWERED_LATER);
  };
  const read = async (text: string, params?: unknown[]): Promise<unknown> => {
    const ahead = take();
    if (ahead.length === 0) return m.query(text, params) as Promise<unknown>;
    ahead.push(bind(text, params));
    return answersAfter(await m.query(ahead.join('; ')), ahead.length - 1);
  };
  return {
    m: Object.create(m, { query: { value: query } }) as EntityManager,
    reads: { query: read } as Pick<EntityManager, 'query'>,
    async send() {
      const texts = take();
      if (texts.length > 0) await m.query(texts.join('; '));
    },
  };
}
