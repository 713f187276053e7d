import { threadPath, type Story } from '@commons/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { useAuth } from '../auth/store';
import { isNotFound, useLoad } from '../ui/load';
import { AuthorLink, Time } from '../forums/ui';
import { ConfirmDelete } from '../hub/ConfirmDelete';
import { Page } from '../ui/Page';
import { deleteStory, fetchStory, setStoryFeatured } from './api';
import '../library/library.css';

/** /stories/:id — one story, its discussion; administrators feature it. */
export function StoryPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const isAdmin = useAuth((s) => s.user?.role === 'admin');
  const myId = useAuth((s) => s.user?.id);
  const [story, setStory] = useState<Story | null>(null);
  const [busy, setBusy] = useState(false);
  const state = useLoad(id, async (signal) => setStory(await fetchStory(id, signal)));

  if (state.status === 'loading' || (state.status === 'loaded' && story?.id !== id))
    return <Page title={t('hub.stories.loadingTitle')} />;
  if (state.status === 'failed')
    return (
      <Page title={isNotFound(state.code) ? t('hub.stories.notFoundTitle') : t(`errors.${state.code}`)}>
        <p>{t('hub.stories.notFoundBody')}</p>
      </Page>
    );
  const s = story!;
  const canManage = isAdmin || (myId !== undefined && s.author?.id === myId);

  async function toggleFeatured(): Promise<void> {
    if (busy) return;
    setBusy(true);
    try {
      const updated = await setStoryFeatured(s.id, !s.featured);
      setStory(updated);
      announce(t(updated.featured ? 'hub.stories.featuredNow' : 'hub.stories.unfeaturedNow'));
    } catch {
      announce(t('errors.internal'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title={s.title}>
      <p className="meta">
        {s.featured && <span className="badge">{t('hub.stories.featured')}</span>}{' '}
        {t('hub.stories.from', { place: s.community })} · <AuthorLink member={s.author} /> · <Time iso={s.createdAt} />
      </p>
      <ul className="tags" aria-label={t('hub.resource.topics')}>
        {s.topics.map((x) => (
          <li key={x}>{t(`hub.topics.${x}`)}</li>
        ))}
      </ul>
      {/* bodyHtml is rendered and sanitized on the server (raw HTML off, images only from our uploads). */}
      <div className="prose story" dangerouslySetInnerHTML={{ __html: s.bodyHtml }} />
      {s.threadId && (
        <p>
          <Link to={threadPath(s.threadId)}>{t('hub.stories.discuss')}</Link>
        </p>
      )}
      {canManage && (
        <div className="actions">
          <Link className="button button--secondary" to={`/stories/${s.id}/edit`}>
            {t('hub.manage.editStory')}
          </Link>
          <ConfirmDelete
            label={t('hub.manage.deleteStory')}
            question={t('hub.manage.confirmStory')}
            onConfirm={async () => {
              try {
                await deleteStory(s.id);
                announce(t('hub.manage.deleted'));
                navigate('/stories');
              } catch {
                announce(t('errors.internal'));
              }
            }}
          />
        </div>
      )}
      {isAdmin && (
        <p>
          <button
            type="button"
            className="button button--secondary"
            aria-pressed={s.featured}
            aria-disabled={busy}
            onClick={() => void toggleFeatured()}
          >
            {s.featured ? t('hub.stories.unfeature') : t('hub.stories.feature')}
          </button>
        </p>
      )}
    </Page>
  );
}
