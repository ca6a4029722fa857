import { Client, Query } from 'pg';

/**
 * `COPY (…) TO STDOUT` without pg-copy-streams: a simple-protocol query whose CopyData messages are
 * counted and dropped as the driver reads them (pg's Query calls handleCopyData for each), so that
 * nothing is kept whatever the number of rows. Resolves with the bytes and lines received.
 */
class CopyOutCounter extends Query {
  bytes = 0;
  lines = 0;

  handleCopyData(message: { chunk: Buffer }): void {
    this.bytes += message.chunk.length;
    // Text format: one CopyData message per row, each ending in a newline.
    this.lines += 1;
  }
}

export function copyOut(client: Client, copySql: string): Promise<{ bytes: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const query = new CopyOutCounter({ text: copySql });
    query.on('error', reject);
    query.on('end', () => resolve({ bytes: query.bytes, lines: query.lines }));
    void client.query(query);
  });
}
