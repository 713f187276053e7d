import { useFormatDate } from '../i18n/format';
import type { Category, CoalitionDetailResponse, Lab } from '@commons/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { useAuth } from '../auth/store';
import { isNotFound, useLoad } from '../ui/load';
import { ConfirmDelete } from '../hub/ConfirmDelete';
import { ErrorSummary } from '../ui/ErrorSummary';
import { TextField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { Page } from '../ui/Page';
import {
  createCoalitionCategory,
  decideRequest,
  deleteCoalition,
  fetchCoalition,
  fetchCoalitionCategories,
  fetchCoalitionLabs,
  joinCoalition,
  leaveCoalition,
} from './api';

/** A coalition admin adds one of its own forum categories. */
function NewCategoryForm({ coalitionId, onAdded }: { coalitionId: string; onAdded: (c: Category) => void }) {
  const { t } = useTranslation();
  const { errors, submitting, submit } = useFormSubmit(t);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');

  async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    let added: Category | null = null;
    const ok = await submit({
      validate: () =>
        name.trim().length < 2 || name.trim().length > 80 ? { name: t('hub.coalitionSpace.categoryNameError') } : {},
      codeFields: { conflict: 'name' },
      action: async () => {
        added = await createCoalitionCategory(coalitionId, name.trim(), description.trim());
      },
    });
    if (ok && added) {
      onAdded(added);
      announce(t('hub.coalitionSpace.categoryAdded', { name: name.trim() }));
      setName('');
      setDescription('');
    }
  }

  return (
    <form className="form" noValidate onSubmit={(e) => void onSubmit(e)} aria-labelledby="new-category-heading">
      <h3 id="new-category-heading">{t('hub.coalitionSpace.newCategory')}</h3>
      <ErrorSummary items={errors.summary} />
      <TextField
        id="category-name"
        label={t('hub.coalitionSpace.categoryName')}
        value={name}
        maxLength={80}
        onChange={(e) => setName(e.target.value)}
        error={errors.fields.name}
      />
      <TextField
        id="category-description"
        label={t('hub.coalitionSpace.categoryDescription')}
        value={description}
        maxLength={500}
        onChange={(e) => setDescription(e.target.value)}
      />
      <p className="actions">
        <button type="submit" className="button" aria-disabled={submitting}>
          {submitting ? t('hub.coalitionSpace.adding') : t('hub.coalitionSpace.addCategory')}
        </button>
      </p>
    </form>
  );
}

/** /coalitions/:id — a coalition, its members, categories and labs; join, leave; its admins manage it. */
export function CoalitionPage() {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const role = useAuth((s) => s.user?.role);
  const [data, setData] = useState<CoalitionDetailResponse | null>(null);
  const [categories, setCategories] = useState<Category[]>([]);
  const [labs, setLabs] = useState<Lab[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const state = useLoad(id, async (signal) => {
    const detail = await fetchCoalition(id, signal);
    // A private coalition's content is not found for outsiders: show none.
    const [cats, upcoming] = await Promise.all([
      fetchCoalitionCategories(id, signal).catch(() => [] as Category[]),
      fetchCoalitionLabs(id, signal).catch(() => [] as Lab[]),
    ]);
    setCategories(cats);
    setLabs(upcoming);
    setData(detail);
  });

  if (state.status === 'loading' || (state.status === 'loaded' && data?.coalition.id !== id))
    return <Page title={t('hub.coalitions.loadingTitle')} />;
  if (state.status === 'failed')
    return (
      <Page title={isNotFound(state.code) ? t('hub.coalitions.notFoundTitle') : t(`errors.${state.code}`)}>
        <p>{t('hub.coalitions.notFoundBody')}</p>
      </Page>
    );
  const { coalition, members, requests } = data!;
  const mine = coalition.myMembership;
  const manages = role === 'admin' || (mine?.status === 'active' && mine.role === 'admin');
  const canRead =
    coalition.visibility === 'public' || mine?.status === 'active' || role === 'admin' || role === 'moderator';

  async function refreshContent(): Promise<void> {
    const [cats, upcoming] = await Promise.all([
      fetchCoalitionCategories(coalition.id).catch(() => [] as Category[]),
      fetchCoalitionLabs(coalition.id).catch(() => [] as Lab[]),
    ]);
    setCategories(cats);
    setLabs(upcoming);
  }

  async function act(action: () => Promise<CoalitionDetailResponse>, message: string): Promise<void> {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      setData(await action());
      await refreshContent();
      announce(message);
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'internal';
      setError(t(`errors.${code}`, { defaultValue: t('errors.internal') }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title={coalition.name}>
      <p className="meta">
        <span className="badge">{t(`hub.coalitions.policy.${coalition.joinPolicy}`)}</span>{' '}
        <span className="badge">{t(`hub.coalitionSpace.visibility.${coalition.visibility}`)}</span>{' '}
        {t('hub.coalitions.members', { count: coalition.memberCount })}
        {coalition.community && <> · {coalition.community}</>}
      </p>
      {coalition.description && <p className="prose">{coalition.description}</p>}
      {coalition.visibility === 'private' && <p className="meta">{t('hub.coalitionSpace.privateNote')}</p>}
      {manages && (
        <p className="actions">
          <Link className="button button--secondary" to={`/coalitions/${coalition.id}/edit`}>
            {t('hub.manage.editCoalition')}
          </Link>
        </p>
      )}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {mine?.status === 'pending' && <p className="notice">{t('hub.coalitions.pending')}</p>}
      {mine?.status === 'active' && mine.role === 'admin' && (
        <p className="notice">{t('hub.coalitions.youAreAdmin')}</p>
      )}
      <p className="actions">
        {!mine && (
          <button
            type="button"
            className="button"
            aria-disabled={busy}
            onClick={() =>
              void act(
                () => joinCoalition(coalition.id),
                t(coalition.joinPolicy === 'open' ? 'hub.coalitions.joined' : 'hub.coalitions.asked'),
              )
            }
          >
            {coalition.joinPolicy === 'open' ? t('hub.coalitions.join') : t('hub.coalitions.ask')}
          </button>
        )}
        {mine && (
          <button
            type="button"
            className="button button--secondary"
            aria-disabled={busy}
            onClick={() => void act(() => leaveCoalition(coalition.id), t('hub.coalitions.left'))}
          >
            {mine.status === 'pending' ? t('hub.coalitions.withdraw') : t('hub.coalitions.leave')}
          </button>
        )}
      </p>
      {canRead && (
        <section aria-labelledby="categories-heading">
          <h2 id="categories-heading">{t('hub.coalitionSpace.categoriesHeading')}</h2>
          {categories.length === 0 ? (
            <p className="empty">{t('hub.coalitionSpace.noCategories')}</p>
          ) : (
            <ul className="recent-list">
              {categories.map((c) => (
                <li key={c.id}>
                  <Link to={`/forums/c/${c.slug}`}>{c.name}</Link>{' '}
                  <span className="meta">{t('hub.coalitionSpace.threads', { count: c.threadCount })}</span>
                  {c.description && <p className="meta">{c.description}</p>}
                </li>
              ))}
            </ul>
          )}
          {manages && <NewCategoryForm coalitionId={coalition.id} onAdded={(c) => setCategories((cs) => [...cs, c])} />}
        </section>
      )}
      {canRead && (
        <section aria-labelledby="labs-heading">
          <h2 id="labs-heading">{t('hub.coalitionSpace.labsHeading')}</h2>
          {labs.length === 0 ? (
            <p className="empty">{t('hub.coalitionSpace.noLabs')}</p>
          ) : (
            <ul className="recent-list">
              {labs.map((l) => (
                <li key={l.id}>
                  <Link to={`/labs/${l.id}`}>{l.title}</Link>{' '}
                  <span className="meta">
                    <time dateTime={l.startsAt}>{formatDate(l.startsAt)}</time>
                  </span>
                </li>
              ))}
            </ul>
          )}
          {mine?.status === 'active' && (
            <p>
              <Link to={`/labs/new?coalition=${coalition.id}`}>{t('hub.coalitionSpace.scheduleLab')}</Link>
            </p>
          )}
        </section>
      )}
      <section aria-labelledby="members-heading">
        <h2 id="members-heading">{t('hub.coalitions.membersHeading')}</h2>
        <ul className="recent-list">
          {members.map((m) => (
            <li key={m.member.id}>
              <Link to={`/members/${m.member.id}`}>{m.member.displayName}</Link>{' '}
              {m.role === 'admin' && <span className="badge">{t('hub.coalitions.adminBadge')}</span>}
            </li>
          ))}
        </ul>
      </section>
      {(requests.length > 0 || (mine?.status === 'active' && mine.role === 'admin')) && (
        <section aria-labelledby="requests-heading">
          <h2 id="requests-heading">{t('hub.coalitions.requestsHeading')}</h2>
          {requests.length === 0 ? (
            <p className="empty">{t('hub.coalitions.noRequests')}</p>
          ) : (
            <ul className="cards">
              {requests.map((r) => (
                <li key={r.member.id} className="card">
                  <p>
                    <Link to={`/members/${r.member.id}`}>{r.member.displayName}</Link>
                  </p>
                  <p className="actions">
                    <button
                      type="button"
                      className="button"
                      aria-disabled={busy}
                      onClick={() =>
                        void act(
                          () => decideRequest(coalition.id, r.member.id, 'approve'),
                          t('hub.coalitions.approved', { name: r.member.displayName }),
                        )
                      }
                    >
                      {t('hub.coalitions.approve', { name: r.member.displayName })}
                    </button>
                    <button
                      type="button"
                      className="button button--secondary"
                      aria-disabled={busy}
                      onClick={() =>
                        void act(
                          () => decideRequest(coalition.id, r.member.id, 'decline'),
                          t('hub.coalitions.declined', { name: r.member.displayName }),
                        )
                      }
                    >
                      {t('hub.coalitions.decline', { name: r.member.displayName })}
                    </button>
                  </p>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {role === 'admin' && (
        <section aria-labelledby="delete-heading">
          <h2 id="delete-heading">{t('hub.manage.deleteCoalition')}</h2>
          <ConfirmDelete
            label={t('hub.manage.deleteCoalition')}
            question={t('hub.manage.confirmCoalition')}
            onConfirm={async () => {
              try {
                await deleteCoalition(coalition.id);
                announce(t('hub.manage.deleted'));
                navigate('/coalitions');
              } catch (err) {
                const code = (err as { code?: string }).code ?? 'internal';
                setError(t(`errors.${code}`, { defaultValue: t('errors.internal') }));
              }
            }}
          />
        </section>
      )}
    </Page>
  );
}
