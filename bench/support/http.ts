/** One timed call: the status, the parsed body, and the time from sending to the last byte read. */
export interface Timed<T = unknown> {
  status: number;
  body: T;
  ms: number;
}

/**
 * A small JSON client over Node's fetch (undici), which keeps connections alive and opens one per
 * concurrent call to the same origin.
 */
export async function call<T = unknown>(baseUrl: string, method: 'GET' | 'POST', path: string, token?: string, body?: object): Promise<Timed<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const started = performance.now();
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const ms = performance.now() - started;
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, ms };
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function inParallel<I, O>(items: readonly I[], limit: number, work: (item: I, index: number) => Promise<O>): Promise<O[]> {
  const out: O[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await work(items[i], i);
    }),
  );
  return out;
}
