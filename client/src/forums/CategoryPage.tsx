import { threadPath, type Category } from '@commons/shared';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { useAuth } from '../auth/store';
import { ErrorSummary } from '../ui/ErrorSummary';
import { TextField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { Page } from '../ui/Page';
import { socket, useConnection } from '../socket';
import { sendUntilAnswered } from '../realtime/retry';
import { PublishingGate } from '../moderation/PublishingGate';
import { createThread, fetchCategory, fetchThreads, setCategoryLevel } from './api';
import { NotificationLevel } from './NotificationLevel';
import { isNotFound, useLoad } from '../ui/load';
import { useForums } from './store';
import { TopicList } from './TopicList';
import { bodyError, MarkdownField, titleError } from './ui';

function NewThreadForm({ category, onClose }: { category: Category; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const { errors, submitting, submit } = useFormSubmit(t);

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void submit({
      validate: () => ({ title: titleError(t, title), body: bodyError(t, body) }),
      action: async () => {
        const { thread } = await createThread({ categoryId: category.id, title: title.trim(), body });
        useForums.getState().addThread(thread);
        announce(t('forums.category.threadCreated'));
        navigate(threadPath(thread.id));
      },
    });
  }

  return (
    <section className="panel" aria-labelledby="new-thread-heading">
      <h2 id="new-thread-heading">{t('forums.category.newThreadTitle')}</h2>
      <PublishingGate>
        <ErrorSummary items={errors.summary} />
        <form className="form form--wide" noValidate onSubmit={onSubmit}>
          <TextField
            id="title"
            label={t('forums.category.threadTitle')}
            error={errors.fields.title}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            maxLength={200}
            required
          />
          <MarkdownField
            id="body"
            label={t('forums.category.threadBody')}
            value={body}
            onChange={setBody}
            error={errors.fields.body}
          />
          <p className="actions">
            <button type="submit" className="button" aria-disabled={submitting}>
              {submitting ? t('forums.composer.sending') : t('forums.category.createThread')}
            </button>
            <button type="button" className="button button--secondary" onClick={onClose}>
              {t('forums.composer.cancel')}
            </button>
          </p>
        </form>
      </PublishingGate>
    </section>
  );
}

/** Joins the category's room while the page is open, so new threads and activity arrive live. */
function useCategoryRoom(categoryId: string | undefined): void {
  const ready = useConnection((s) => s.ready);
  useEffect(() => {
    if (!categoryId || !ready) return;
    const stop = sendUntilAnswered(
      (answer) => socket.emit('category:join', { categoryId }, answer),
      () => undefined,
    );
    return () => {
      stop();
      socket.emit('category:leave', { categoryId }, () => undefined);
    };
  }, [categoryId, ready]);
}

function ThreadList({ category }: { category: Category }) {
  const { t } = useTranslation();
  const list = useForums((s) => (s.list?.categoryId === category.id ? s.list : null));
  const [composing, setComposing] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  const signedIn = useAuth((s) => s.status === 'signedIn');
  useCategoryRoom(category.id);

  async function loadMore(): Promise<void> {
    if (!list?.nextCursor || loadingMore) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await fetchThreads({ categoryId: category.id, cursor: list.nextCursor });
      useForums.getState().appendThreads(category.id, page.threads, page.nextCursor);
      announce(t('forums.common.loadedMore', { count: page.threads.length }));
    } catch {
      setMoreError(t('forums.common.loadMoreFailed'));
    } finally {
      setLoadingMore(false);
    }
  }

  function closeComposer(): void {
    setComposing(false);
    requestAnimationFrame(() => newButton.current?.focus());
  }

  return (
    <>
      {category.description && <p className="lead">{category.description}</p>}
      {signedIn && (
        <NotificationLevel
          key={category.id}
          scope="category"
          level={category.subscription}
          save={(level) => setCategoryLevel(category.id, level)}
        />
      )}
      {/* A visitor of the public face reads; the page's call to join says how to take part. */}
      {!signedIn ? null : composing ? (
        <NewThreadForm category={category} onClose={closeComposer} />
      ) : (
        <p>
          <button ref={newButton} type="button" className="button" onClick={() => setComposing(true)}>
            {t('forums.category.newThread')}
          </button>
        </p>
      )}
      <section aria-labelledby="threads-heading">
        <h2 id="threads-heading">{t('forums.category.threads')}</h2>
        {list && list.threads.length === 0 && <p className="empty">{t('forums.category.empty')}</p>}
        {list && list.threads.length > 0 && <TopicList threads={list.threads} />}
        {moreError && <p className="notice notice--error">{moreError}</p>}
        {list?.nextCursor && (
          <p>
            <button
              type="button"
              className="button button--secondary"
              aria-disabled={loadingMore}
              onClick={() => void loadMore()}
            >
              {loadingMore ? t('common.loading') : t('forums.common.loadMore')}
            </button>
          </p>
        )}
      </section>
    </>
  );
}

/** /forums/c/:categoryId — a category's threads, by latest activity (id or slug in the address). */
export function CategoryPage() {
  const { t } = useTranslation();
  const { categoryId = '' } = useParams();
  const [category, setCategory] = useState<Category | null>(null);
  const state = useLoad(categoryId, async (signal) => {
    const found = await fetchCategory(categoryId, signal);
    const page = await fetchThreads({ categoryId: found.id }, signal);
    setCategory(found);
    useForums.getState().setList({ categoryId: found.id, threads: page.threads, nextCursor: page.nextCursor });
  });

  if (state.status === 'loading') return <Page title={t('forums.category.loadingTitle')} />;
  if (state.status === 'failed' || !category) {
    const notFound = state.status === 'failed' && isNotFound(state.code);
    return (
      <Page title={notFound ? t('forums.category.notFoundTitle') : t('forums.common.loadFailedTitle')}>
        <p>{state.status === 'failed' && !notFound ? t(`errors.${state.code}`) : t('forums.category.notFoundBody')}</p>
        <p>
          <Link to="/forums">{t('forums.common.backToForums')}</Link>
        </p>
      </Page>
    );
  }
  return (
    <Page title={category.name}>
      <nav aria-label={t('forums.common.breadcrumbs')} className="breadcrumbs">
        <Link to="/forums">{t('forums.categories.title')}</Link>
      </nav>
      <ThreadList category={category} />
    </Page>
  );
}
