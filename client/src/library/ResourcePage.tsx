import { threadPath, type Resource } from '@commons/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { useAuth } from '../auth/store';
import { isNotFound, useLoad } from '../ui/load';
import { AuthorLink, Time } from '../forums/ui';
import { ConfirmDelete } from '../hub/ConfirmDelete';
import { TextAreaField } from '../ui/fields';
import { Page } from '../ui/Page';
import { SuccessMessage } from '../ui/SuccessMessage';
import { deleteResource, fetchResource, reviewResource, setFeatured, setMark } from './api';
import './library.css';
import { useLibrary } from './store';

function formatSize(bytes: number): string {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** Runs one action at a time and reports a failure in a live region. */
function useAction() {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run(action: () => Promise<void>): Promise<void> {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'internal';
      setError(t(`errors.${code}`, { defaultValue: t('errors.internal') }));
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run };
}

function ReviewForm({ resource, onChange }: { resource: Resource; onChange: (r: Resource) => void }) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const { busy, error, run } = useAction();
  const decide = (decision: 'approve' | 'reject') =>
    run(async () => {
      const updated = await reviewResource(resource.id, decision, note.trim());
      onChange(updated);
      announce(t(decision === 'approve' ? 'hub.resource.review.approved' : 'hub.resource.review.rejected'));
    });
  return (
    <section className="panel" aria-labelledby="review-heading">
      <h2 id="review-heading">{t('hub.resource.review.title')}</h2>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <TextAreaField
        id="review-note"
        label={t('hub.resource.review.note')}
        value={note}
        rows={3}
        maxLength={1000}
        onChange={(e) => setNote(e.target.value)}
      />
      <p className="actions">
        {resource.status !== 'approved' && (
          <button type="button" className="button" aria-disabled={busy} onClick={() => void decide('approve')}>
            {t('hub.resource.review.approve')}
          </button>
        )}
        {resource.status !== 'rejected' && (
          <button
            type="button"
            className="button button--secondary"
            aria-disabled={busy}
            onClick={() => void decide('reject')}
          >
            {t('hub.resource.review.reject')}
          </button>
        )}
      </p>
    </section>
  );
}

function ResourceView({ initial }: { initial: Resource }) {
  const { t } = useTranslation();
  const [resource, setResource] = useState(initial);
  const role = useAuth((s) => s.user?.role);
  const myId = useAuth((s) => s.user?.id);
  const navigate = useNavigate();
  const moderates = role === 'moderator' || role === 'admin';
  const canEdit = moderates || (myId !== undefined && resource.submittedBy?.id === myId);
  const updateInList = useLibrary((s) => s.updateResource);
  const { busy, error, run } = useAction();
  const location = useLocation();
  const justSubmitted = (location.state as { submitted?: boolean } | null)?.submitted === true;

  function changed(r: Resource): void {
    setResource(r);
    updateInList(r);
  }
  const toggle = (mark: 'save' | 'useful') =>
    run(async () => {
      const on = mark === 'save' ? !resource.saved : !resource.markedUseful;
      changed(await setMark(resource.id, mark, on));
      const key = mark === 'save' ? (on ? 'saved' : 'unsaved') : on ? 'markedUseful' : 'unmarkedUseful';
      announce(t(`hub.resource.${key}`));
    });
  const feature = () =>
    run(async () => {
      const r = await setFeatured(resource.id, !resource.featured);
      changed(r);
      announce(t(r.featured ? 'hub.resource.featuredNow' : 'hub.resource.unfeaturedNow'));
    });

  return (
    <Page title={resource.title}>
      {justSubmitted && resource.status === 'pending' && <SuccessMessage>{t('hub.submit.done')}</SuccessMessage>}
      <p className="meta">
        <span className="badge">{t(`hub.statuses.${resource.status}`)}</span>{' '}
        {resource.featured && <span className="badge">{t('hub.resource.featured')}</span>}{' '}
        {resource.submittedBy && (
          <>
            <AuthorLink member={resource.submittedBy} /> ·{' '}
          </>
        )}
        <Time iso={resource.approvedAt ?? resource.createdAt} />
      </p>
      <p className="prose">{resource.summary}</p>
      <p className="actions">
        {resource.url && (
          <a className="button" href={resource.url} target="_blank" rel="noopener noreferrer nofollow">
            {t('hub.resource.open')}
          </a>
        )}
        {resource.file && (
          <a className="button button--secondary" href={resource.file.url}>
            {resource.type === 'image'
              ? t('hub.resource.viewImage', { name: resource.file.name })
              : t('hub.resource.download', { name: resource.file.name })}{' '}
            ({formatSize(resource.file.size)})
          </a>
        )}
      </p>
      {resource.status === 'approved' && myId !== undefined && (
        <p className="actions">
          <button
            type="button"
            className="button button--secondary"
            aria-pressed={resource.saved}
            aria-disabled={busy}
            onClick={() => void toggle('save')}
          >
            {resource.saved ? t('hub.resource.unsave') : t('hub.resource.save')}
          </button>
          <button
            type="button"
            className="button button--secondary"
            aria-pressed={resource.markedUseful}
            aria-disabled={busy}
            onClick={() => void toggle('useful')}
          >
            {resource.markedUseful ? t('hub.resource.notUseful') : t('hub.resource.useful')}
          </button>
          {role === 'admin' && (
            <button
              type="button"
              className="button button--secondary"
              aria-disabled={busy}
              onClick={() => void feature()}
            >
              {resource.featured ? t('hub.resource.unfeature') : t('hub.resource.feature')}
            </button>
          )}
        </p>
      )}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <p className="meta">
        {t('hub.library.saves', { count: resource.saveCount })} ·{' '}
        {t('hub.library.usefuls', { count: resource.usefulCount })}
      </p>
      {resource.threadId && (
        <p>
          <Link to={threadPath(resource.threadId)}>{t('hub.resource.discuss')}</Link>
        </p>
      )}
      <section aria-labelledby="details-heading">
        <h2 id="details-heading">{t('hub.resource.details')}</h2>
        <dl className="details">
          <dt>{t('hub.resource.topics')}</dt>
          <dd>{resource.topics.map((x) => t(`hub.topics.${x}`)).join(', ')}</dd>
          <dt>{t('hub.resource.audiences')}</dt>
          <dd>{resource.audiences.map((x) => t(`hub.audiences.${x}`)).join(', ')}</dd>
          <dt>{t('hub.resource.language')}</dt>
          <dd>{t(`hub.languages.${resource.language}`)}</dd>
          <dt>{t('hub.resource.type')}</dt>
          <dd>{t(`hub.types.${resource.type}`)}</dd>
          {resource.organisation && (
            <>
              <dt>{t('hub.resource.organisation')}</dt>
              <dd>{resource.organisation}</dd>
            </>
          )}
          {resource.reviewNote && (
            <>
              <dt>{t('hub.resource.reviewNote')}</dt>
              <dd>{resource.reviewNote}</dd>
            </>
          )}
        </dl>
      </section>
      {(role === 'moderator' || role === 'admin') && resource.status !== 'approved' && (
        <ReviewForm resource={resource} onChange={changed} />
      )}
      {(canEdit || moderates) && (
        <div className="actions">
          {canEdit && (
            <Link className="button button--secondary" to={`/library/${resource.id}/edit`}>
              {t('hub.manage.editResource')}
            </Link>
          )}
          {moderates && (
            <ConfirmDelete
              label={t('hub.manage.deleteResource')}
              question={t('hub.manage.confirmResource')}
              onConfirm={() =>
                run(async () => {
                  await deleteResource(resource.id);
                  announce(t('hub.manage.deleted'));
                  navigate('/library');
                })
              }
            />
          )}
        </div>
      )}
    </Page>
  );
}

/** /library/:id — one resource: open or download it, save it, mark it useful, discuss it; moderators review it. */
export function ResourcePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [resource, setResource] = useState<Resource | null>(null);
  const state = useLoad(id, async (signal) => {
    setResource(await fetchResource(id, signal));
  });
  if (state.status === 'loading' || (state.status === 'loaded' && resource?.id !== id))
    return <Page title={t('hub.resource.loadingTitle')} />;
  if (state.status === 'failed') {
    const notFound = isNotFound(state.code);
    return (
      <Page title={notFound ? t('hub.resource.notFoundTitle') : t('hub.library.loadFailed')}>
        <p>{notFound ? t('hub.resource.notFoundBody') : t(`errors.${state.code}`)}</p>
        <p>
          <Link to="/library">{t('hub.home.browse')}</Link>
        </p>
      </Page>
    );
  }
  return <ResourceView key={resource!.id} initial={resource!} />;
}
