import type { PostModeration } from '@commons/shared';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { announce } from '../app/LiveAnnouncer';
import { socket } from '../socket';
import { ErrorSummary } from '../ui/ErrorSummary';
import { TextAreaField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { appealPost, getPostModeration, reasonKey } from './api';
import { useFormatDate } from '../i18n/format';
import './moderation.css';

/**
 * On the author's own post: says when it is held or hidden and why, and offers the one appeal.
 * Renders nothing while the post is visible; follows `post:hidden` live.
 */
export function ModerationBanner({ postId }: { postId: string }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const [state, setState] = useState<PostModeration | null>(null);
  const [appealing, setAppealing] = useState(false);
  const [reason, setReason] = useState('');
  const fieldId = useId();
  const { errors, submitting, submit } = useFormSubmit(t);

  useEffect(() => {
    let live = true;
    const load = () =>
      getPostModeration(postId)
        .then((m) => live && setState(m))
        .catch(() => undefined);
    void load();
    const onHidden = (e: { postId: string }) => {
      if (e.postId === postId) void load();
    };
    socket.on('post:hidden', onHidden);
    return () => {
      live = false;
      socket.off('post:hidden', onHidden);
    };
  }, [postId]);

  if (!state || state.status === 'visible') return null;

  async function onSubmit(event: FormEvent): Promise<void> {
    event.preventDefault();
    const ok = await submit({
      validate: () => (reason.trim() ? {} : { [`${fieldId}-reason`]: t('moderation.queue.noteRequired') }),
      action: async () => setState(await appealPost(postId, reason.trim())),
    });
    if (ok) {
      setAppealing(false);
      announce(t('moderation.banner.appealSent'));
    }
  }

  return (
    <div className="mod-banner" role="status">
      <p>{state.status === 'held' ? t('moderation.banner.held') : t('moderation.banner.hidden')}</p>
      {state.reasons.length > 0 && (
        <p>{t('moderation.banner.why', { reasons: state.reasons.map((r) => t(reasonKey(r))).join(', ') })}</p>
      )}
      {state.note && <p>{t('moderation.banner.note', { note: state.note })}</p>}
      {state.appeal && (
        <p>
          {t('moderation.banner.appealed', {
            date: formatDate(state.appeal.at, { dateStyle: 'medium' }),
          })}
        </p>
      )}
      {state.canAppeal && !appealing && (
        <button type="button" className="link-button" onClick={() => setAppealing(true)}>
          {t('moderation.banner.appeal')}
        </button>
      )}
      {appealing && (
        <form onSubmit={(event) => void onSubmit(event)} noValidate>
          <ErrorSummary items={errors.summary} />
          <TextAreaField
            id={`${fieldId}-reason`}
            label={t('moderation.banner.appealLabel')}
            value={reason}
            maxLength={1000}
            rows={3}
            error={errors.fields[`${fieldId}-reason`]}
            onChange={(event) => setReason(event.target.value)}
          />
          <button type="submit" className="button" aria-disabled={submitting}>
            {t('moderation.banner.appealSubmit')}
          </button>
        </form>
      )}
    </div>
  );
}
