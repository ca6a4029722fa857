import { placeholderFacePng } from './sample-face-image';
import { sampleEmail, samplePhone } from './sample-identity';
import { SeededRandom } from './seeded-random';

/**
 * The rows of one sample user of the operator's app, made from the seed and the user's number
 * alone (pure: the writer in demo-generator.ts puts them in the database). Times fall in a fixed
 * window rather than around "now", so that one seed gives the same rows whenever it runs.
 */

export type SampleGender = 'female' | 'male' | 'other';
export type FacePurpose = 'basic' | 'additional';
export type ContentKind = 'review' | 'activity';

export interface SampleUser {
  n: number;
  displayName: string;
  email: string;
  phone: string;
  gender: SampleGender | null;
  /** YYYY-MM-DD */
  birthday: string | null;
  /** ISO 8601, UTC */
  createdAt: string;
  disabledAt: string | null;
}

export interface SampleFaceProfile {
  purpose: FacePurpose;
  template: Buffer;
  image: Buffer;
  enrolledAt: string;
}

export interface SampleTransaction {
  counterpartyName: string;
  counterpartyPhone: string | null;
  item: string;
  /** numeric(12,2) as text */
  amount: string;
  completedAt: string;
}

export interface SampleContent {
  kind: ContentKind;
  body: string;
  publishedAt: string;
}

export interface SampleSearch {
  keywords: string;
  searchedAt: string;
}

export interface SampleViolation {
  rule: string;
  measure: string;
  decidedAt: string;
}

export interface SampleAccessLog {
  at: string;
  ip: string;
  userAgent: string;
  language: string;
  page: string;
}

/** A sample user and every row of theirs but the access logs (which can be many: see `sampleAccessLogs`). */
export interface SampleSubject {
  user: SampleUser;
  faceProfiles: SampleFaceProfile[];
  transactions: SampleTransaction[];
  content: SampleContent[];
  searches: SampleSearch[];
  violations: SampleViolation[];
}

/** Sample users sign up in this window; everything they do happens before its end. */
export const SAMPLE_WINDOW = { from: '2022-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' } as const;
/** Length of a face template: 32 float32 values, as an embedding would be. */
export const FACE_TEMPLATE_BYTES = 128;

const WINDOW_START = Date.parse(SAMPLE_WINDOW.from);
const WINDOW_END = Date.parse(SAMPLE_WINDOW.to);
const DAY = 86_400_000;
/** The measure after which the account is closed; its user is disabled when it was decided. */
const BAN = '永久封禁';

const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤',
];
const GIVEN_NAMES = [
  ...['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀兰', '霞', '平', '刚'],
  ...['浩然', '子涵', '欣怡', '梓萱', '诗涵', '雨桐', '一诺', '思远', '嘉怡', '博文', '晨曦', '宇轩', '佳琪', '俊杰', '婷婷', '志强', '文静'],
  ...['海燕', '建华', '晓明', '春梅', '国庆', '红梅', '立新', '雪', '琳', '鹏', '飞', '瑶', '楠', '昊', '阳', '倩', '颖', '斌', '慧'],
];
const SHOPS = ['鲜果坊', '小李二手书店', '宏达数码', '绿野农场', '阿强五金店', '美味小厨', '快乐宠物店', '晨光文具', '老张修车铺', '巧手裁缝', '邻里便利店'];
const ITEMS = [
  ...['二手自行车', '九成新手机', '儿童绘本一套', '实木书桌', '登山背包', '咖啡机', '电饭煲', '羽毛球拍', '冬季羽绒服', '蓝牙耳机'],
  ...['婴儿推车', '考研教材', '多肉植物', '民谣吉他', '护眼台灯', '游戏手柄', '空气炸锅', '跑步鞋', '数码相机', '办公椅'],
];
const PHONE_PREFIXES = ['135', '137', '150', '158', '186', '188'];
const REVIEW_OPENINGS = ['卖家很守时，', '东西和描述一致，', '包装很仔细，', '沟通很顺畅，', '物品有些磨损，', '比想象中新，', '发货有点慢，'];
const REVIEW_ENDINGS = ['推荐！', '下次还来。', '总体满意。', '价格公道。', '值得信赖。', '希望改进。', '五星好评。'];
const ACTIVITIES = [
  '参加了社区读书会',
  '发布了闲置物品转让',
  '组织了周末骑行活动',
  '分享了旧物改造心得',
  '参加了小区跳蚤市场',
  '发起了宠物领养活动',
  '参加了线上摄影比赛',
  '报名了亲子手工课',
];
const KEYWORDS = [
  ...['二手手机', '婴儿车', '自行车 九成新', '考研资料', '猫粮', '露营帐篷', '空气炸锅', '同城搬家', '租房 朝阳区', '二手相机'],
  ...['钢琴 转让', '电动车', '办公椅', '儿童玩具', '游戏机', '二手家具', '健身卡 转让', '演唱会门票', '宠物寄养', '旧书回收'],
];
const PLACES = ['北京', '上海', '广州', '深圳', '杭州', '成都', '武汉', '南京'];
const RULES = ['发布违禁物品信息', '虚假交易', '恶意差评', '骚扰其他用户', '发布广告信息', '冒用他人身份'];
const MEASURES = ['警告', '限制发布7天', '限制交易30天', BAN];
const USER_AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47',
  'Mozilla/5.0 (Linux; Android 13; V2227A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'DemoApp/5.2.1 (Android 14; zh_CN; HUAWEI Mate 60)',
  'DemoApp/5.2.1 (iOS 17.4; zh_CN; iPhone15,2)',
];
const LANGUAGES: (readonly [string, number])[] = [
  ['zh-CN', 85],
  ['en-US', 7],
  ['zh-TW', 5],
  ['zh-HK', 3],
];
const PAGES = ['/', '/home', '/search', '/orders', '/messages', '/profile', '/settings/privacy', '/publish'];
/** First octets of networks of Chinese carriers, for made-up client addresses. */
const IPV4_FIRST = [36, 58, 101, 106, 112, 117, 120, 183, 223];

/** Sample user `n` under `seed`, with their face profiles, transactions, content, searches and violations. */
export function sampleSubject(seed: number, n: number): SampleSubject {
  const r = SeededRandom.stream(seed, n, 'subject');
  const createdAtMs = seconds(WINDOW_START + r.next() * (WINDOW_END - 90 * DAY - WINDOW_START));
  const after = (from: number) => iso(seconds(from + r.next() * (WINDOW_END - from)));

  const displayName = r.pick(SURNAMES) + r.pick(GIVEN_NAMES);
  const gender = r.weighted<SampleGender | null>([
    ['female', 47],
    ['male', 47],
    ['other', 2],
    [null, 4],
  ]);
  const birthday = r.chance(0.9) ? iso(Date.UTC(1960, 0, 1) + r.int(0, 47 * 365) * DAY).slice(0, 10) : null;

  const faceProfiles: SampleFaceProfile[] = [];
  if (r.chance(0.5)) {
    const purposes: FacePurpose[] = r.chance(0.35) ? ['basic', 'additional'] : ['basic'];
    for (const purpose of purposes)
      faceProfiles.push({ purpose, template: r.bytes(FACE_TEMPLATE_BYTES), image: placeholderFacePng(r), enrolledAt: after(createdAtMs) });
  }

  const transactions: SampleTransaction[] = Array.from({ length: r.int(0, 5) }, () => ({
    counterpartyName: r.chance(0.6) ? r.pick(SURNAMES) + r.pick(GIVEN_NAMES) : r.pick(SHOPS),
    counterpartyPhone: r.chance(0.7) ? `+86${r.pick(PHONE_PREFIXES)}${String(r.int(0, 99_999_999)).padStart(8, '0')}` : null,
    item: r.pick(ITEMS),
    amount: Math.exp(Math.log(5) + r.next() * (Math.log(3000) - Math.log(5))).toFixed(2),
    completedAt: after(createdAtMs),
  }));

  const content: SampleContent[] = [
    ...Array.from({ length: r.int(0, 3) }, () => ({
      kind: 'review' as const,
      body: r.pick(REVIEW_OPENINGS) + r.pick(REVIEW_ENDINGS),
      publishedAt: after(createdAtMs),
    })),
    ...Array.from({ length: r.int(0, 2) }, () => ({ kind: 'activity' as const, body: r.pick(ACTIVITIES), publishedAt: after(createdAtMs) })),
  ];

  const searches: SampleSearch[] = Array.from({ length: r.int(0, 6) }, () => ({
    keywords: r.chance(0.3) ? `${r.pick(PLACES)} ${r.pick(KEYWORDS)}` : r.pick(KEYWORDS),
    searchedAt: after(createdAtMs),
  }));

  const violations: SampleViolation[] = r.chance(0.1) ? [{ rule: r.pick(RULES), measure: r.pick(MEASURES), decidedAt: after(createdAtMs) }] : [];
  const banned = violations.find((v) => v.measure === BAN);
  const closed = r.chance(0.02) ? after(createdAtMs) : null;

  const user: SampleUser = {
    n,
    displayName,
    email: sampleEmail(n),
    phone: samplePhone(n),
    gender,
    birthday,
    createdAt: iso(createdAtMs),
    disabledAt: banned?.decidedAt ?? closed,
  };
  return { user, faceProfiles, transactions, content, searches, violations };
}

/**
 * The `count` access-log rows of a sample user, oldest first, spread from sign-up to the end of the
 * window. A generator, so that a million rows for one user never sit in memory at once.
 */
export function* sampleAccessLogs(seed: number, user: SampleUser, count: number): Generator<SampleAccessLog> {
  const r = SeededRandom.stream(seed, user.n, 'access-logs');
  const from = Date.parse(user.createdAt);
  const step = (WINDOW_END - from) / Math.max(count, 1);
  // Most visits come from the user's own few devices and networks.
  const homeIps = [ipAddress(r), ipAddress(r)];
  const agents = [r.pick(USER_AGENTS), r.pick(USER_AGENTS)];
  const language = r.weighted(LANGUAGES);
  for (let i = 0; i < count; i++) {
    yield {
      at: iso(seconds(from + (i + r.next()) * step)),
      ip: r.chance(0.9) ? r.pick(homeIps) : ipAddress(r),
      userAgent: r.chance(0.95) ? r.pick(agents) : r.pick(USER_AGENTS),
      language: r.chance(0.97) ? language : r.weighted(LANGUAGES),
      page: pageOf(r),
    };
  }
}

function pageOf(r: SeededRandom): string {
  const kind = r.int(0, 9);
  if (kind < 3) return `/items/${r.int(100_000, 999_999)}`;
  if (kind === 3) return `/search?q=${encodeURIComponent(r.pick(KEYWORDS))}`;
  return r.pick(PAGES);
}

function ipAddress(r: SeededRandom): string {
  if (r.chance(0.1)) return `240e:${hex16(r)}:${hex16(r)}:${hex16(r)}::${hex16(r)}`;
  return `${r.pick(IPV4_FIRST)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}

function hex16(r: SeededRandom): string {
  return r.int(0, 0xffff).toString(16);
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
