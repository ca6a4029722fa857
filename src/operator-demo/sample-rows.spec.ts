import { inflateSync } from 'node:zlib';
import { FACE_IMAGE_SIZE, placeholderFacePng } from './sample-face-image';
import { FACE_TEMPLATE_BYTES, SAMPLE_WINDOW, sampleAccessLogs, sampleSubject } from './sample-rows';
import { SeededRandom } from './seeded-random';

const HAN = /\p{Script=Han}/u;
const within = (iso: string, from: string, to: string = SAMPLE_WINDOW.to) => Date.parse(iso) >= Date.parse(from) && Date.parse(iso) <= Date.parse(to);

describe('the rows of a sample user', () => {
  const subjects = Array.from({ length: 400 }, (_, i) => sampleSubject(1, i + 1));

  it('are the same for one seed and number, whatever else is generated, and differ for another seed', () => {
    expect(sampleSubject(1, 17)).toEqual(subjects[16]);
    expect(sampleSubject(2, 17)).not.toEqual(subjects[16]);
    const logs = (seed: number) => [...sampleAccessLogs(seed, subjects[16].user, 5)];
    expect(logs(1)).toEqual(logs(1));
    expect(logs(2)).not.toEqual(logs(1));
  });

  it('give user n its e-mail and phone, a Chinese display name, and values the schema accepts', () => {
    for (const { user } of subjects) {
      expect(user.email).toBe(`user${user.n}@demo.example`);
      expect(user.phone).toBe(`+86139${String(user.n).padStart(8, '0')}`);
      expect(user.displayName).toMatch(HAN);
      expect([null, 'female', 'male', 'other']).toContain(user.gender);
      if (user.birthday !== null) expect(user.birthday).toMatch(/^(19[6-9]\d|200\d)-\d\d-\d\d$/);
      expect(within(user.createdAt, SAMPLE_WINDOW.from)).toBe(true);
      if (user.disabledAt !== null) expect(within(user.disabledAt, user.createdAt)).toBe(true);
    }
  });

  it('give about half the users face profiles (some both purposes), 0 to 5 transactions, Chinese content and searches, a violation to about 1 in 10', () => {
    const withFaces = subjects.filter((s) => s.faceProfiles.length > 0);
    expect(withFaces.length / subjects.length).toBeGreaterThan(0.4);
    expect(withFaces.length / subjects.length).toBeLessThan(0.6);
    expect(withFaces.some((s) => s.faceProfiles.length === 2)).toBe(true);
    for (const s of withFaces) {
      expect(s.faceProfiles.map((f) => f.purpose)).toEqual(s.faceProfiles.length === 2 ? ['basic', 'additional'] : ['basic']);
      for (const f of s.faceProfiles) expect(f.template).toHaveLength(FACE_TEMPLATE_BYTES);
    }
    const txCounts = new Set(subjects.map((s) => s.transactions.length));
    expect([...txCounts].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const s of subjects) {
      for (const t of s.transactions) {
        expect(t.counterpartyName).toMatch(HAN);
        expect(t.item).toMatch(HAN);
        expect(t.amount).toMatch(/^\d{1,4}\.\d\d$/);
        if (t.counterpartyPhone !== null) expect(t.counterpartyPhone).toMatch(/^\+86\d{11}$/);
        expect(within(t.completedAt, s.user.createdAt)).toBe(true);
      }
      for (const c of s.content) expect(c.body).toMatch(HAN);
      for (const q of s.searches) expect(q.keywords).toMatch(HAN);
    }
    const kinds = new Set(subjects.flatMap((s) => s.content.map((c) => c.kind)));
    expect([...kinds].sort()).toEqual(['activity', 'review']);
    const violated = subjects.filter((s) => s.violations.length > 0).length / subjects.length;
    expect(violated).toBeGreaterThan(0.05);
    expect(violated).toBeLessThan(0.16);
    // A ban closes the account when it is decided.
    for (const s of subjects) if (s.violations[0]?.measure === '永久封禁') expect(s.user.disabledAt).toBe(s.violations[0].decidedAt);
  });

  it('give access logs oldest first, from sign-up to the end of the window, with addresses, agents, languages and pages', () => {
    const user = subjects[3].user;
    const logs = [...sampleAccessLogs(1, user, 300)];
    expect(logs).toHaveLength(300);
    expect(logs.map((l) => l.at)).toEqual([...logs.map((l) => l.at)].sort());
    expect(within(logs[0].at, user.createdAt)).toBe(true);
    for (const l of logs) {
      expect(l.ip).toMatch(/^(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|240e:[0-9a-f:]+)$/);
      expect(l.userAgent.length).toBeGreaterThan(10);
      expect(['zh-CN', 'en-US', 'zh-TW', 'zh-HK']).toContain(l.language);
      expect(l.page).toMatch(/^\//);
    }
    expect([...sampleAccessLogs(1, user, 0)]).toEqual([]);
  });
});

describe('placeholderFacePng', () => {
  /** The PNG's chunks, each checked against its CRC by zlib's own crc (via a fresh inflate of nothing): type and data. */
  const chunks = (png: Buffer) => {
    const out: { type: string; data: Buffer }[] = [];
    for (let at = 8; at < png.length;) {
      const length = png.readUInt32BE(at);
      out.push({ type: png.toString('latin1', at + 4, at + 8), data: png.subarray(at + 8, at + 8 + length) });
      at += 12 + length;
    }
    return out;
  };

  it('is a 16×16 8-bit grayscale PNG whose pixels inflate to 16 filtered rows, and differs per draw', () => {
    const png = placeholderFacePng(new SeededRandom(5));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const [ihdr, idat, iend] = chunks(png);
    expect([ihdr.type, idat.type, iend.type]).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect([ihdr.data.readUInt32BE(0), ihdr.data.readUInt32BE(4), ihdr.data[8], ihdr.data[9]]).toEqual([FACE_IMAGE_SIZE, FACE_IMAGE_SIZE, 8, 0]);
    const pixels = inflateSync(idat.data);
    expect(pixels).toHaveLength(FACE_IMAGE_SIZE * (FACE_IMAGE_SIZE + 1));
    // The face is lighter than the ground around it.
    const at = (x: number, y: number) => pixels[y * (FACE_IMAGE_SIZE + 1) + 1 + x];
    expect(at(8, 12)).toBeGreaterThan(at(0, 0) + 80);
    expect(placeholderFacePng(new SeededRandom(6))).not.toEqual(png);
    expect(placeholderFacePng(new SeededRandom(5))).toEqual(png);
  });
});
