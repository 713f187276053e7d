import type { Self } from '@commons/shared';
import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError, type ClientErrorCode } from '../api';
import { useAuth } from '../auth/store';
import { Avatar } from '../ui/Avatar';
import { SuccessMessage } from '../ui/SuccessMessage';
import { removeAvatar, uploadAvatar } from './api';

/**
 * The member's picture on their profile page: upload one (the server checks it, crops it to a
 * square and removes its hidden details) or remove it. Without one, coloured initials show.
 */
export function PictureSection({ user }: { user: Self }) {
  const { t } = useTranslation();
  const setUser = useAuth((s) => s.setUser);
  const input = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const errorId = useId();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  async function run(work: () => Promise<Self>, message: string): Promise<void> {
    if (busy) return;
    setBusy(true);
    setDone('');
    setProblem(null);
    try {
      setUser(await work());
      if (input.current) input.current.value = '';
      setDone(message);
    } catch (error) {
      const code: ClientErrorCode = isApiError(error) ? error.code : 'internal';
      setProblem(
        code === 'unsupported_media_type' || code === 'payload_too_large'
          ? t(`profile.picture.errors.${code}`)
          : t(`errors.${code}`),
      );
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    const file = input.current?.files?.[0];
    if (!file) {
      setProblem(t('profile.picture.chooseFirst'));
      input.current?.focus();
      return;
    }
    void run(() => uploadAvatar(file), t('profile.picture.uploaded'));
  }

  return (
    <section className="panel picture-section" aria-labelledby="picture-heading">
      <h2 id="picture-heading">{t('profile.picture.heading')}</h2>
      <div className="picture-section__body">
        <Avatar member={user} size="lg" />
        <div>
          <p>{t('profile.picture.explain')}</p>
          <form className="form" noValidate onSubmit={onSubmit}>
            <div className={problem ? 'field field--error' : 'field'}>
              <label htmlFor="picture-file">{t('profile.picture.choose')}</label>
              <p id={hintId} className="field__hint">
                {t('profile.picture.hint')}
              </p>
              {problem && (
                <p id={errorId} className="field__error" role="alert">
                  {problem}
                </p>
              )}
              <input
                ref={input}
                id="picture-file"
                type="file"
                accept="image/png,image/jpeg,image/gif,image/webp"
                aria-describedby={problem ? `${hintId} ${errorId}` : hintId}
                aria-invalid={problem ? true : undefined}
              />
            </div>
            <div className="picture-section__actions">
              <button type="submit" className="button" aria-disabled={busy}>
                {busy ? t('profile.picture.uploading') : t('profile.picture.upload')}
              </button>
              {user.avatar && (
                <button
                  type="button"
                  className="button button--secondary"
                  aria-disabled={busy}
                  onClick={() => void run(removeAvatar, t('profile.picture.removed'))}
                >
                  {t('profile.picture.remove')}
                </button>
              )}
            </div>
          </form>
          <SuccessMessage>{done}</SuccessMessage>
        </div>
      </div>
    </section>
  );
}
