import { CONSENT_PURPOSES, ConsentPurpose, DataCategory } from '../policy/domain/policy.types';
import { erasureOnWithdrawal, FACE_ALTERNATIVE_VERIFICATION, FACE_BASIC_WITHDRAWAL_NOTICE } from './facial-withdrawal';

describe('withdrawing a facial consent', () => {
  it.each([
    [ConsentPurpose.FaceBasic, DataCategory.FaceBasic],
    [ConsentPurpose.FaceAdditional, DataCategory.FaceAdditional],
  ])('%s schedules the erasure of %s', (purpose, category) => {
    expect(erasureOnWithdrawal(purpose)).toBe(category);
  });

  it('schedules nothing for any other purpose', () => {
    const others = [
      ...CONSENT_PURPOSES.filter((p) => p !== ConsentPurpose.FaceBasic && p !== ConsentPurpose.FaceAdditional),
      'new_purpose:face_basic' as const,
    ];
    expect(others.map((p) => erasureOnWithdrawal(p))).toEqual(others.map(() => null));
  });

  it('tells the subject, in both languages, that the facial data is deleted and which way of verifying remains', () => {
    expect(FACE_BASIC_WITHDRAWAL_NOTICE.zh).toContain('删除您的人脸信息');
    expect(FACE_BASIC_WITHDRAWAL_NOTICE.zh).toContain(FACE_ALTERNATIVE_VERIFICATION.zh);
    expect(FACE_BASIC_WITHDRAWAL_NOTICE.en).toContain('deletes your facial information');
    expect(FACE_BASIC_WITHDRAWAL_NOTICE.en).toContain(FACE_ALTERNATIVE_VERIFICATION.en);
    for (const text of Object.values(FACE_BASIC_WITHDRAWAL_NOTICE)) expect(text).not.toMatch(/基本功能.*(无法|停止)|basic functions .*stop/);
  });
});
