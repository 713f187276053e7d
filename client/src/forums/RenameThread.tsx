import { forumLimits, type ThreadSummary } from '@commons/shared';
import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { announce } from '../app/LiveAnnouncer';
import { isApiError } from '../api';
import { useAuth } from '../auth/store';
import { TextField } from '../ui/fields';
import { renameThread } from './api';
import { useForums } from './store';

/**
 * "Rename" for the thread's author (while it is open) and moderators. The new title is screened
 * with the opening post on the server; other readers see it change live (`thread:updated`).
 */
export function RenameThread({ thread }: { thread: ThreadSummary }) {
  const { t } = useTranslation();
  const user = useAuth((s) => s.user);
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(thread.title);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const fieldId = `${useId()}-title`;
  const moderator = user?.role === 'moderator' || user?.role === 'admin';
  const author = Boolean(user) && thread.author?.id === user?.id;
  if (!moderator && !(author && !thread.locked)) return null;

  function close(): void {
    setEditing(false);
    setError(undefined);
    requestAnimationFrame(() => buttonRef.current?.focus());
  }

  async function save(event: FormEvent): Promise<void> {
    event.preventDefault();
    const next = title.trim();
    if (next.length < forumLimits.titleMin || next.length > forumLimits.titleMax) {
      setError(t('forums.thread.renameLength', { min: forumLimits.titleMin, max: forumLimits.titleMax }));
      return;
    }
    if (next === thread.title) return close();
    setBusy(true);
    try {
      const renamed = await renameThread(thread.id, next);
      const { view } = useForums.getState();
      if (view?.thread.id === thread.id)
        useForums.setState({ view: { ...view, thread: { ...view.thread, ...renamed } } });
      announce(t('forums.thread.renamed', { title: renamed.title }));
      close();
    } catch (err) {
      setError(isApiError(err) ? t(`errors.${err.code}`) : t('forums.post.actionFailed'));
    } finally {
      setBusy(false);
    }
  }

  if (!editing)
    return (
      <button
        ref={buttonRef}
        type="button"
        className="button button--secondary button--small"
        onClick={() => {
          setTitle(thread.title);
          setEditing(true);
        }}
      >
        {t('forums.thread.rename')}
      </button>
    );
  return (
    <form className="rename-thread" onSubmit={(event) => void save(event)} noValidate>
      <TextField
        id={fieldId}
        label={t('forums.thread.newTitle')}
        value={title}
        maxLength={forumLimits.titleMax}
        error={error}
        autoFocus
        onChange={(event) => setTitle(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') close();
        }}
      />
      <button type="submit" className="button" aria-disabled={busy}>
        {t('forums.thread.saveTitle')}
      </button>{' '}
      <button type="button" className="button button--secondary" onClick={close}>
        {t('forums.composer.cancel')}
      </button>
    </form>
  );
}
