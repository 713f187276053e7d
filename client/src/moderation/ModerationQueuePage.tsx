import {
  postPath,
  resolveActions,
  type ModerationItem,
  type ModerationMemberRef,
  type ResolveAction,
} from '@commons/shared';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { memberName } from '../members/names';
import { Avatar } from '../ui/Avatar';
import { Link } from 'react-router';
import { isApiError } from '../api';
import { announce } from '../app/LiveAnnouncer';
import { Loading, Page } from '../ui/Page';
import { claimItem, reasonKey, resolveItem, resolveItems } from './api';
import { SanctionForm } from './SanctionForm';
import { useModeration } from './store';
import './moderation.css';

const EXCERPT_CHARS = 280;

/** The first words of a post for the card; the whole post is one click away. */
function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length <= EXCERPT_CHARS ? flat : `${flat.slice(0, EXCERPT_CHARS).trimEnd()}…`;
}

/** What kind of button each decision is: keeping is safe, hiding is a warning, deleting destroys. */
const actionClass: Record<ResolveAction, string> = {
  keep: 'button button--secondary',
  hide: 'button button--warning',
  delete: 'button button--danger',
};

function ItemCard({
  item,
  selected,
  onSelect,
  onSanction,
}: {
  item: ModerationItem;
  selected: boolean;
  onSelect: (on: boolean) => void;
  onSanction: (member: ModerationMemberRef) => void;
}) {
  const { t } = useTranslation();
  const upsert = useModeration((s) => s.upsert);
  const baseId = useId();
  const [note, setNote] = useState('');
  const [notify, setNotify] = useState(true);
  const [message, setMessage] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const headingId = `${baseId}-h`;

  function failed(err: unknown): void {
    const text = isApiError(err) && err.code === 'conflict' ? t('moderation.queue.conflict') : t('errors.internal');
    setMessage(text);
    announce(text);
  }

  async function claim(): Promise<void> {
    try {
      upsert(await claimItem(item.id));
    } catch (err) {
      failed(err);
    }
  }

  async function resolve(action: ResolveAction): Promise<void> {
    if (!note.trim()) {
      setMessage(t('moderation.queue.noteRequired'));
      return;
    }
    if (action === 'delete' && !confirmDelete) {
      setConfirmDelete(true);
      return;
    }
    setConfirmDelete(false);
    try {
      upsert(await resolveItem(item.id, { action, note: note.trim(), notifyAuthor: notify }));
      announce(t('moderation.queue.done'));
    } catch (err) {
      failed(err);
    }
  }

  const history = item.authorHistory;
  const postLink = postPath(item.threadId, item.postSeq);
  const urgent = (item.reasons.child_safety ?? 0) > 0;
  return (
    <li className="mod-card" aria-labelledby={headingId}>
      <h2 id={headingId} className="mod-card__title">
        <Link to={postLink}>{item.threadTitle || t('moderation.queue.openPost')}</Link>
      </h2>
      <p>
        {urgent && (
          <>
            <strong className="mod-urgent">{t('moderation.queue.urgentChildSafety')}</strong>
            {' · '}
          </>
        )}
        {item.openReports > 0
          ? t('moderation.queue.reports', { count: item.openReports })
          : item.screening.length > 0
            ? t('moderation.queue.screened')
            : t('moderation.queue.noReports')}
        {item.appeal && (
          <>
            {' · '}
            {t('moderation.queue.appealWaiting')}
          </>
        )}
        {' · '}
        {t(`moderation.queue.postStatus.${item.postStatus}`)}
        {item.claimedBy && (
          <>
            {' · '}
            {t('moderation.queue.claimedBy', { name: item.claimedBy.displayName })}
          </>
        )}
      </p>
      <p className="member-head">
        <Avatar member={item.author} size="sm" />
        {t('moderation.queue.postedBy', {
          name: item.author ? memberName(t, item.author) : t('moderation.queue.anonymous'),
        })}
      </p>
      {item.postDeleted ? (
        <p className="empty">{t('moderation.queue.deletedPost')}</p>
      ) : (
        <>
          <blockquote className="mod-card__excerpt">{excerpt(item.postBody)}</blockquote>
          {item.postBody.replace(/\s+/g, ' ').trim().length > EXCERPT_CHARS && (
            <details>
              <summary>{t('moderation.queue.showAll')}</summary>
              <p className="mod-card__body">{item.postBody}</p>
            </details>
          )}
        </>
      )}
      {item.flags.length > 0 && (
        <>
          <h3>{t('moderation.queue.flagsHeading')}</h3>
          <ul>
            {item.flags.map((f, i) => (
              <li key={i}>
                {t(`moderation.reasons.${f.reason}`)}
                {' · '}
                {f.flagger?.displayName ?? t('moderation.queue.anonymous')}
                {f.note && (
                  <>
                    {': '}
                    {f.note}
                  </>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {item.screening.length > 0 && (
        <p>
          <strong>{t('moderation.queue.screeningHeading')}</strong>{' '}
          {item.screening.map((r) => t(reasonKey(r))).join(', ')}
        </p>
      )}
      {item.appeal && (
        <p>
          <strong>{t('moderation.queue.appealHeading')}</strong> {item.appeal.reason}
        </p>
      )}
      <h3>{t('moderation.queue.historyHeading')}</h3>
      <p>
        {t('moderation.queue.history', {
          level: history.trustLevel,
          posts: history.posts,
          upheld: history.upheldAgainst,
        })}
      </p>
      {history.activeSanctions.length > 0 && (
        <p>
          {t('moderation.queue.activeSanctions', {
            list: history.activeSanctions.map((s) => t(`moderation.sanction.kinds.${s.kind}`)).join(', '),
          })}
        </p>
      )}
      {item.author && (
        <p>
          <button type="button" className="link-button" onClick={() => item.author && onSanction(item.author)}>
            {t('moderation.queue.sanctionAuthor', { name: memberName(t, item.author) })}
          </button>
        </p>
      )}
      <div className="field">
        <input
          id={`${baseId}-select`}
          type="checkbox"
          checked={selected}
          onChange={(event) => onSelect(event.target.checked)}
        />{' '}
        <label htmlFor={`${baseId}-select`}>{t('moderation.queue.select')}</label>
      </div>
      <div className="field">
        <label htmlFor={`${baseId}-note`}>{t('moderation.queue.noteLabel')}</label>
        <textarea
          id={`${baseId}-note`}
          rows={2}
          maxLength={1000}
          value={note}
          onChange={(event) => setNote(event.target.value)}
        />
      </div>
      <div className="field">
        <input
          id={`${baseId}-notify`}
          type="checkbox"
          checked={notify}
          onChange={(event) => setNotify(event.target.checked)}
        />{' '}
        <label htmlFor={`${baseId}-notify`}>{t('moderation.queue.notifyAuthor')}</label>
      </div>
      {message && (
        <p className="field__error" role="alert">
          {message}
        </p>
      )}
      <div className="mod-actions">
        {item.state === 'open' && (
          <button type="button" className="button button--secondary" onClick={() => void claim()}>
            {t('moderation.queue.claim')}
          </button>
        )}
        {resolveActions.map((action) => (
          <button key={action} type="button" className={actionClass[action]} onClick={() => void resolve(action)}>
            {t(`moderation.queue.${action}`)}
          </button>
        ))}
      </div>
      {confirmDelete && (
        <div className="mod-actions" role="alert">
          <p>{t('moderation.queue.deleteConfirm')}</p>
          <button type="button" className="button button--danger" onClick={() => void resolve('delete')}>
            {t('moderation.queue.deleteYes')}
          </button>
          <button type="button" className="button button--secondary" onClick={() => setConfirmDelete(false)}>
            {t('moderation.queue.deleteNo')}
          </button>
        </div>
      )}
    </li>
  );
}

function BulkBar({ selected, clear }: { selected: string[]; clear: () => void }) {
  const { t } = useTranslation();
  const upsert = useModeration((s) => s.upsert);
  const baseId = useId();
  const [action, setAction] = useState<ResolveAction>('keep');
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);

  async function apply(): Promise<void> {
    if (!note.trim()) {
      setMessage(t('moderation.queue.noteRequired'));
      return;
    }
    // Deleting many posts at once asks first, as deleting one does.
    if (action === 'delete' && !confirmDelete) {
      setConfirmDelete(true);
      return;
    }
    setConfirmDelete(false);
    try {
      const results = await resolveItems(selected, { action, note: note.trim(), notifyAuthor: true });
      for (const r of results) if (r.item) upsert(r.item);
      const conflicts = results.some((r) => r.code === 'conflict');
      const text = conflicts ? t('moderation.queue.conflict') : t('moderation.queue.done');
      setMessage(text);
      announce(text);
      clear();
    } catch {
      setMessage(t('errors.internal'));
    }
  }

  if (selected.length === 0) return null;
  return (
    <section className="mod-card" aria-labelledby={`${baseId}-h`}>
      <h2 id={`${baseId}-h`}>{t('moderation.queue.bulkApply')}</h2>
      <div className="mod-filters">
        <div className="field">
          <label htmlFor={`${baseId}-action`}>{t('moderation.audit.actionLabel')}</label>
          <select
            id={`${baseId}-action`}
            value={action}
            onChange={(event) => {
              setAction(event.target.value as ResolveAction);
              setConfirmDelete(false);
            }}
          >
            {resolveActions.map((a) => (
              <option key={a} value={a}>
                {t(`moderation.queue.${a}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${baseId}-note`}>{t('moderation.queue.noteLabel')}</label>
          <input id={`${baseId}-note`} value={note} maxLength={1000} onChange={(e) => setNote(e.target.value)} />
        </div>
        <button type="button" className="button" onClick={() => void apply()}>
          {t('moderation.queue.bulkApply')}
        </button>
      </div>
      {confirmDelete && (
        <div className="mod-actions" role="alert">
          <p>{t('moderation.queue.bulkDeleteConfirm', { count: selected.length })}</p>
          <button type="button" className="button button--danger" onClick={() => void apply()}>
            {t('moderation.queue.bulkDeleteYes', { count: selected.length })}
          </button>
          <button type="button" className="button button--secondary" onClick={() => setConfirmDelete(false)}>
            {t('moderation.queue.deleteNo')}
          </button>
        </div>
      )}
      {message && <p role="status">{message}</p>}
    </section>
  );
}

/** `/moderation`: the live review queue and the sanction form (moderators and admins). */
export function ModerationQueuePage() {
  const { t } = useTranslation();
  const { items, loading, error, loadQueue } = useModeration();
  const [selected, setSelected] = useState<string[]>([]);
  const [sanctionFor, setSanctionFor] = useState<ModerationMemberRef | null>(null);

  useEffect(() => {
    void loadQueue();
  }, [loadQueue]);

  return (
    <Page title={t('moderation.queue.title')}>
      <p>{t('moderation.queue.intro')}</p>
      <p className="mod-actions">
        <button type="button" className="button button--secondary" onClick={() => void loadQueue()}>
          {t('moderation.queue.refresh')}
        </button>
        <Link to="/moderation/audit">{t('moderation.queue.audit')}</Link>
      </p>
      <BulkBar selected={selected} clear={() => setSelected([])} />
      {loading && items.length === 0 ? (
        <Loading />
      ) : error ? (
        <p role="alert">{t('errors.internal')}</p>
      ) : items.length === 0 ? (
        <p className="empty">{t('moderation.queue.empty')}</p>
      ) : (
        <ul className="mod-queue">
          {items.map((item) => (
            <ItemCard
              key={item.id}
              item={item}
              selected={selected.includes(item.id)}
              onSelect={(on) => setSelected((s) => (on ? [...s, item.id] : s.filter((x) => x !== item.id)))}
              onSanction={(member) => {
                setSanctionFor(member);
                // The form below now names the author: bring the moderator to it.
                requestAnimationFrame(() => document.getElementById('sanction-form')?.focus());
              }}
            />
          ))}
        </ul>
      )}
      <SanctionForm key={sanctionFor?.id ?? 'anyone'} member={sanctionFor} />
    </Page>
  );
}
