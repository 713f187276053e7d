import type { Post } from '@commons/shared';
import { X } from 'lucide-react';
import { Dialog } from 'radix-ui';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { memberName } from '../members/names';
import { Avatar } from '../ui/Avatar';
import { Loading } from '../ui/Page';
import { RelativeTime } from '../ui/RelativeTime';
import { fetchRevisions, type Revision } from './api';

type Loaded = { status: 'loading' } | { status: 'loaded'; revisions: Revision[] } | { status: 'failed' };

/**
 * A post's edit history (Radix Dialog: focus moves in, Esc closes, focus returns to the opener):
 * the post as it reads now, then each earlier version, newest first, with who replaced it and
 * when. The server answers only to members who may read the post (its read rule).
 */
export function HistoryDialog({ post, onClose }: { post: Post; onClose: () => void }) {
  const { t } = useTranslation();
  const [state, setState] = useState<Loaded>({ status: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    fetchRevisions(post.id, controller.signal).then(
      (revisions) => setState({ status: 'loaded', revisions }),
      () => {
        if (!controller.signal.aborted) setState({ status: 'failed' });
      },
    );
    return () => controller.abort();
  }, [post.id]);
  const author = memberName(t, post.author);

  return (
    <Dialog.Root open onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="drawer__overlay" />
        <Dialog.Content className="history" aria-describedby="history-intro">
          <div className="drawer__head">
            <Dialog.Title className="drawer__title">{t('forums.post.historyTitle', { name: author })}</Dialog.Title>
            <Dialog.Close className="icon-button" aria-label={t('forums.post.historyClose')}>
              <X aria-hidden="true" size={22} />
            </Dialog.Close>
          </div>
          <p id="history-intro" className="meta">
            {t('forums.post.historyIntro')}
          </p>
          <ol className="history__list">
            <li className="history__item">
              <p className="history__meta">
                <strong>{t('forums.post.historyNow')}</strong>
                {post.editedAt && (
                  <>
                    {' · '}
                    <RelativeTime iso={post.editedAt} />
                  </>
                )}
              </p>
              {/* Server-rendered and sanitized, as on the page. */}
              <div className="history__body post__body" dangerouslySetInnerHTML={{ __html: post.bodyHtml }} />
            </li>
            {state.status === 'loaded' &&
              state.revisions.map((r, i) => (
                <li key={`${r.editedAt}-${i}`} className="history__item">
                  <p className="history__meta member-head">
                    <Avatar member={r.editor} size="sm" />
                    <span>
                      {t('forums.post.historyReplaced', { name: memberName(t, r.editor) })}{' '}
                      <RelativeTime iso={r.editedAt} />
                    </span>
                  </p>
                  {/* Earlier versions are shown as the Markdown that was written, as plain text. */}
                  <p className="history__body history__source">{r.body}</p>
                </li>
              ))}
          </ol>
          {state.status === 'loading' && <Loading />}
          {state.status === 'failed' && (
            <p className="notice notice--error" role="alert">
              {t('forums.post.historyFailed')}
            </p>
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
