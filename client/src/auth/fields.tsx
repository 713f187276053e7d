import { MIN_PASSWORD_LENGTH } from '@commons/shared';
import { useTranslation } from 'react-i18next';
import { TextField } from '../ui/fields';

interface NewPasswordFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
}

/** A field for choosing a password, with the length rule as its hint. */
export function NewPasswordField({ label, value, onChange, error }: NewPasswordFieldProps) {
  const { t } = useTranslation();
  return (
    <TextField
      id="password"
      type="password"
      autoComplete="new-password"
      label={label}
      hint={t('auth.passwordHint', { min: MIN_PASSWORD_LENGTH })}
      error={error}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      required
      minLength={MIN_PASSWORD_LENGTH}
    />
  );
}

export function EmailField({ value, onChange, error }: Omit<NewPasswordFieldProps, 'label'>) {
  const { t } = useTranslation();
  return (
    <TextField
      id="email"
      type="email"
      autoComplete="email"
      inputMode="email"
      spellCheck={false}
      autoCapitalize="none"
      label={t('auth.email')}
      error={error}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      required
    />
  );
}
