import { escapeHtml } from '../common/text/escape-html';
import { ChunkedFile, PART_BYTES } from './chunked-file';

/** A store that keeps what it is given, and lets the test decide when each part is stored. */
function pausedStore() {
  const parts: { n: number; text: string }[] = [];
  const waiting: { resolve: () => void; reject: (err: Error) => void }[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const store = (n: number, data: Buffer) =>
    new Promise<void>((resolve, reject) => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      waiting.push({
        resolve: () => {
          inFlight -= 1;
          parts.push({ n, text: data.toString('utf8') });
          resolve();
        },
        reject: (err) => {
          inFlight -= 1;
          reject(err);
        },
      });
    });
  return { parts, waiting, store, mostInFlight: () => mostInFlight };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('ChunkedFile', () => {
  it('keeps writing below a part in memory, and close stores it as part 0', async () => {
    const parts: { n: number; text: string }[] = [];
    const file = new ChunkedFile('export.json', (n, data) => {
      parts.push({ n, text: data.toString('utf8') });
      return Promise.resolve();
    });
    file.write('{"a":');
    file.write('"数据"}');
    await file.spill();
    expect(parts).toEqual([]);
    await file.close();
    expect(parts).toEqual([{ n: 0, text: '{"a":"数据"}' }]);
  });

  it('stores full parts while the writer goes on, one in flight, in order, filling stored buffers again, and the whole text arrives', async () => {
    const s = pausedStore();
    const file = new ChunkedFile('export.html', s.store);
    const written: string[] = [];
    const write = (count: number) => {
      for (let i = 0; i < count; i++) {
        const text = `<tr><td>${'数据x'.repeat(300)}${written.length}</td></tr>`;
        written.push(text);
        file.write(text);
      }
    };
    write(500); // one part of 1 MiB and a little more
    await file.spill(); // part 0 handed over, not awaited
    expect(s.waiting).toHaveLength(1);
    write(2000); // several more parts
    let spilled = false;
    const second = file.spill().then(() => (spilled = true)); // waits for part 0 before handing over the next
    await settled();
    expect(s.waiting).toHaveLength(1);
    expect(spilled).toBe(false);
    // Each part is stored when the test says so, and its text read only then: a buffer filled again too soon would show.
    let closed = false;
    const finish = async (done: () => boolean) => {
      while (!done()) {
        const next = s.waiting[s.parts.length];
        if (next) next.resolve();
        await settled();
      }
    };
    await finish(() => spilled);
    await second;
    write(10);
    const closing = file.close().then(() => (closed = true));
    await finish(() => closed);
    await closing;
    expect(s.mostInFlight()).toBe(1);
    expect(s.parts.map((p) => p.n)).toEqual(s.parts.map((_, i) => i));
    expect(s.parts.length).toBeGreaterThanOrEqual(4);
    expect(s.parts.map((p) => p.text).join('')).toBe(written.join(''));
    for (const p of s.parts) expect(Buffer.byteLength(p.text)).toBeLessThanOrEqual(PART_BYTES);
  });

  it('hands its buffers on once its parts are stored, and two files written at once each store their own text whole', async () => {
    // Each part read only when its store ends, a turn later: a buffer shared or filled again too soon would show.
    const stored = (into: { text: string[]; buffers: Set<ArrayBufferLike> }) => (_n: number, data: Buffer) => {
      into.buffers.add(data.buffer);
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          into.text.push(data.toString('utf8'));
          resolve();
        }),
      );
    };
    const a = { text: [] as string[], buffers: new Set<ArrayBufferLike>() };
    const b = { text: [] as string[], buffers: new Set<ArrayBufferLike>() };
    const first = new ChunkedFile('a.json', stored(a));
    const second = new ChunkedFile('b.json', stored(b));
    const textA = 'a'.repeat(PART_BYTES / 8 + 1);
    const textB = 'b'.repeat(PART_BYTES / 8 + 1);
    for (let i = 0; i < 40; i++) {
      first.write(textA);
      second.write(textB);
      await Promise.all([first.spill(), second.spill()]);
    }
    await Promise.all([first.close(), second.close()]);
    expect(a.text.join('')).toBe(textA.repeat(40));
    expect(b.text.join('')).toBe(textB.repeat(40));
    expect(a.text.length).toBeGreaterThan(4);
    // A file made afterwards fills buffers the first two used.
    const c = { text: [] as string[], buffers: new Set<ArrayBufferLike>() };
    const third = new ChunkedFile('c.json', stored(c));
    third.write('c'.repeat(PART_BYTES / 8));
    await third.close();
    expect(c.text).toEqual(['c'.repeat(PART_BYTES / 8)]);
    expect([...c.buffers].filter((buffer) => a.buffers.has(buffer) || b.buffers.has(buffer)).length).toBe(1);
  });

  it('makes a value larger than a part a part of its own, between the parts before and after it', async () => {
    const parts: string[] = [];
    const file = new ChunkedFile('export.json', (_n, data) => {
      parts.push(data.toString('utf8'));
      return Promise.resolve();
    });
    const image = 'A'.repeat(PART_BYTES + 10);
    file.write('{"image":"');
    file.write(image);
    file.write('"}');
    await file.close();
    expect(parts).toEqual(['{"image":"', image, '"}']);
  });

  it('fails the next spill when a part could not be stored, and stores nothing after it', async () => {
    const s = pausedStore();
    const file = new ChunkedFile('export.json', s.store);
    file.write('a'.repeat(PART_BYTES / 3));
    file.write('a'.repeat(PART_BYTES / 3));
    await file.spill();
    s.waiting[0].reject(new Error('database gone'));
    await settled();
    file.write('b'.repeat(PART_BYTES / 3));
    file.write('b'.repeat(PART_BYTES / 3));
    await expect(file.spill()).rejects.toThrow('database gone');
    await expect(file.close()).rejects.toThrow('database gone');
    expect(s.waiting).toHaveLength(1);
    expect(s.parts).toEqual([]);
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters and leaves other text as it is', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(escapeHtml('个人信息 plain')).toBe('个人信息 plain');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(42)).toBe('42');
  });
});
