import { ConsentPurpose, ConsentPurposeKey, DataCategory } from '../policy/domain/policy.types';

/**
 * How a subject who withdraws `face_basic` still proves who they are. PIPL Art. 16: a handler may
 * not refuse its products or services because consent is withdrawn; and the 2025 facial-recognition
 * measures (人脸识别技术应用安全管理办法): face must not be the only way to verify identity. So the
 * policy's "no face, no basic functions" (face.collect.1) is not what the subject is told: they are
 * told this. The one place that names the alternative; no setting changes it.
 */
export const FACE_ALTERNATIVE_VERIFICATION = {
  zh: '账户密码加发送至您登记的手机号码或电子邮箱的一次性验证码',
  en: 'your account password plus a one-time code sent to your registered phone number or e-mail address',
} as const;

/** What the subject reads before confirming a `face_basic` withdrawal (`confirmFaceBasic: true`), in Chinese and English. */
export const FACE_BASIC_WITHDRAWAL_NOTICE = {
  zh:
    `撤回对 ${ConsentPurpose.FaceBasic}（人脸识别验证）的同意后，我们将删除您的人脸信息（人脸模板和图像）。` +
    `您仍可通过其他方式验证身份：${FACE_ALTERNATIVE_VERIFICATION.zh}。请确认撤回（confirmFaceBasic: true）后继续。`,
  en:
    `Withdrawing consent for ${ConsentPurpose.FaceBasic} deletes your facial information (face templates and images). ` +
    `You can still verify your identity another way: ${FACE_ALTERNATIVE_VERIFICATION.en}. Confirm the withdrawal (confirmFaceBasic: true) to go ahead.`,
} as const;

/** The data collected under each facial consent: withdrawing the consent schedules its erasure (PIPL Art. 47(1)(3)). */
const ERASED_ON_WITHDRAWAL: ReadonlyMap<string, DataCategory> = new Map([
  [ConsentPurpose.FaceBasic, DataCategory.FaceBasic],
  [ConsentPurpose.FaceAdditional, DataCategory.FaceAdditional],
]);

/** The data category whose erasure withdrawing `purpose` schedules, or null when it schedules none. */
export function erasureOnWithdrawal(purpose: ConsentPurposeKey): DataCategory | null {
  return ERASED_ON_WITHDRAWAL.get(purpose) ?? null;
}
