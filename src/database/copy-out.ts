import type { Duplex } from 'node:stream';
import { Connection, PoolClient, Query } from 'pg';

/**
 * A `COPY … TO STDOUT` whose rows go to `receive` as the driver reads them, one CopyData message a
 * row (the protocol sends each row of COPY's output in a message of its own, and nothing else in
 * it). pg's Query calls handleCopyData for every message; the driver keeps none. The bytes are a
 * view of the driver's own buffer, which it fills again: valid only during the call.
 *
 * A `receive` that throws stops the rows (the rest are received and dropped): thrown from here it
 * would escape from the driver's socket handler, so it is kept as `failure` for the caller.
 */
export class CopyOutQuery extends Query {
  failure: { error: unknown } | null = null;
  private socket: Duplex | null = null;

  constructor(
    text: string,
    private readonly receive: (row: Buffer) => void,
  ) {
    super({ text });
    // The connection's socket, to stop reading it while the rows already read are handed on (pause).
    const submit = this.submit.bind(this);
    this.submit = (connection: Connection) => {
      this.socket = connection.stream;
      submit(connection);
    };
  }

  handleCopyData(message: { chunk: Buffer }): void {
    if (this.failure) return;
    try {
      this.receive(message.chunk);
    } catch (error) {
      this.failure = { error };
    }
  }

  /** Stops reading the connection (the driver still parses what it has read, and may call `receive` for it). */
  pause(): void {
    this.socket?.pause();
  }

  resume(): void {
    this.socket?.resume();
  }
}

/** Runs one COPY on `client`, each row to `receive` as it arrives (CopyOutQuery); settles once the server is done. */
export function copyOut(client: PoolClient, text: string, receive: (row: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const query = new CopyOutQuery(text, receive);
    query.on('error', reject);
    query.on('end', () => (query.failure ? reject(query.failure.error as Error) : resolve()));
    client.query(query);
  });
}

/** What gathers a COPY's rows into the pieces copyOutPieces hands on. */
export interface CopyPieces<T> {
  /** Some bytes of COPY's output (a view valid only during the call). */
  write(data: Buffer): void;
  /** Whether what was written since the last `take` is enough to hand on. */
  full(): boolean;
  /** What was written since the last `take`, handed on (null: nothing); the next `write` starts a new piece. */
  take(): T | null;
}

/**
 * Runs one COPY on `client` and answers its rows in pieces, gathered by `pieces` as the driver
 * reads them. Once a piece is full the connection stops reading until the caller asks for the next
 * one: memory holds one piece (and what the driver had read), whatever the number of rows, and the
 * database waits on the socket meanwhile. The piece is the caller's only until it asks for the next.
 *
 * A caller that stops early leaves the COPY running on a connection that no longer reads: that
 * connection must be closed, never used again.
 */
export async function* copyOutPieces<T>(client: PoolClient, text: string, pieces: CopyPieces<T>): AsyncGenerator<T> {
  const state: { paused: boolean; ended: boolean; failed: { error: unknown } | null; wake: (() => void) | null } = {
    paused: false,
    ended: false,
    failed: null,
    wake: null,
  };
  const stop = (failed: { error: unknown } | null) => {
    state.failed ??= failed;
    if (!state.paused) query.pause();
    state.paused = true;
    state.wake?.();
  };
  const query = new CopyOutQuery(text, (data) => {
    if (state.failed) return;
    try {
      pieces.write(data);
    } catch (error) {
      return stop({ error });
    }
    if (!state.paused && pieces.full()) stop(null);
  });
  query.on('error', (error) => stop({ error }));
  query.on('end', () => {
    state.ended = true;
    state.wake?.();
  });
  client.query(query);
  for (;;) {
    if (!state.paused && !state.ended) await new Promise<void>((resolve) => (state.wake = resolve));
    state.wake = null;
    if (state.failed) throw state.failed.error;
    const piece = pieces.take();
    if (piece !== null) yield piece;
    if (state.paused) {
      state.paused = false;
      query.resume();
    }
    if (state.ended) {
      // Rows read in the same turn as the end, after the piece was taken.
      const last = pieces.take();
      if (last !== null) yield last;
      return;
    }
  }
}
