import { MIN_PASSWORD_LENGTH } from '@commons/shared';
import type { TFunction } from 'i18next';
import { isEmail } from '../ui/form';

export function emailError(t: TFunction, email: string): string | undefined {
  if (!email.trim()) return t('validation.emailRequired');
  if (!isEmail(email)) return t('validation.emailInvalid');
  return undefined;
}

export function newPasswordError(t: TFunction, password: string): string | undefined {
  if (!password) return t('validation.passwordRequired');
  if (password.length < MIN_PASSWORD_LENGTH) return t('validation.passwordTooShort', { min: MIN_PASSWORD_LENGTH });
  return undefined;
}

export function displayNameError(t: TFunction, name: string): string | undefined {
  const length = name.trim().length;
  return length < 2 || length > 60 ? t('validation.displayNameLength') : undefined;
}
