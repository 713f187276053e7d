import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { announce } from '../app/LiveAnnouncer';
import { FlagButton } from './FlagDialog';
import { ModerationBanner } from './ModerationBanner';
import { useModeration } from './store';

/**
 * What a post shows of moderation, in one element for the forums' post component:
 * the author's banner on their held or hidden post, the Report button on everyone else's.
 */
export function PostModerationTools({ postId, own }: { postId: string; own: boolean }) {
  return own ? <ModerationBanner postId={postId} /> : <FlagButton postId={postId} />;
}

/** Posts by members I blocked start collapsed behind a toggle. */
export function CollapsedIfBlocked({ authorId, children }: { authorId: string | null; children: ReactNode }) {
  const { t } = useTranslation();
  const blocked = useModeration((s) => (authorId ? s.blocked.has(authorId) : false));
  const loadBlocks = useModeration((s) => s.loadBlocks);
  const [shown, setShown] = useState(false);
  useEffect(() => {
    void loadBlocks();
  }, [loadBlocks]);
  if (!blocked || shown) return children;
  return (
    <p className="empty">
      {t('moderation.block.collapsed')}{' '}
      <button type="button" className="link-button" onClick={() => setShown(true)}>
        {t('moderation.block.show')}
      </button>
    </p>
  );
}

/** Block or unblock a member (for their profile page). */
export function BlockButton({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const blocked = useModeration((s) => s.blocked.has(memberId));
  const { loadBlocks, toggleBlock } = useModeration();
  useEffect(() => {
    void loadBlocks();
  }, [loadBlocks]);
  async function toggle(): Promise<void> {
    try {
      await toggleBlock(memberId, !blocked);
      announce(blocked ? t('moderation.block.unblocked') : t('moderation.block.blocked'));
    } catch {
      announce(t('errors.internal'));
    }
  }
  return (
    <button type="button" className="button button--secondary" aria-pressed={blocked} onClick={() => void toggle()}>
      {t('moderation.block.block')}
    </button>
  );
}
