import { reactionKinds, type Post, type ReactionKind } from '@commons/shared';
import { Heart, HeartHandshake, Lightbulb, type LucideIcon, SmilePlus, ThumbsUp } from 'lucide-react';
import { Popover } from 'radix-ui';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { announce } from '../app/LiveAnnouncer';
import { setReaction } from './api';
import { useForums } from './store';

const icons: Record<ReactionKind, LucideIcon> = {
  like: ThumbsUp,
  heart: Heart,
  insightful: Lightbulb,
  thanks: HeartHandshake,
};

/**
 * Only the reactions people used (count and whether I did), then "+" opening a small picker of
 * all of them: a post nobody reacted to shows one quiet button instead of four zero counts.
 */
export function Reactions({ post }: { post: Post }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [picking, setPicking] = useState(false);
  const used = reactionKinds.filter((kind) => post.reactions[kind] > 0 || post.myReactions.includes(kind));

  async function toggle(kind: ReactionKind): Promise<void> {
    if (busy) return;
    setBusy(true);
    try {
      const on = !post.myReactions.includes(kind);
      const result = await setReaction(post.id, kind, on);
      const current = useForums.getState().view?.posts.find((p) => p.id === post.id) ?? post;
      useForums.getState().upsertPost({ ...current, reactions: result.reactions, myReactions: result.myReactions });
    } catch {
      announce(t('forums.post.actionFailed'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="reactions" role="group" aria-label={t('forums.post.reactions')}>
      {used.map((kind) => {
        const Icon = icons[kind];
        const label = t(`forums.reactions.${kind}`);
        return (
          <button
            key={kind}
            type="button"
            className="chip"
            title={label}
            aria-pressed={post.myReactions.includes(kind)}
            aria-disabled={busy}
            onClick={() => void toggle(kind)}
          >
            <Icon aria-hidden="true" size={16} />
            <span className="visually-hidden">{label}: </span>
            <span className="chip__count">{post.reactions[kind]}</span>
          </button>
        );
      })}
      <Popover.Root open={picking} onOpenChange={setPicking}>
        <Popover.Trigger className="chip chip--quiet" aria-label={t('forums.post.addReaction')}>
          <SmilePlus aria-hidden="true" size={16} />
        </Popover.Trigger>
        <Popover.Portal>
          <Popover.Content
            className="popover reaction-picker"
            aria-label={t('forums.post.addReaction')}
            side="top"
            align="start"
            sideOffset={4}
            collisionPadding={8}
          >
            {reactionKinds.map((kind) => {
              const Icon = icons[kind];
              return (
                <button
                  key={kind}
                  type="button"
                  className="reaction-picker__option"
                  aria-pressed={post.myReactions.includes(kind)}
                  onClick={() => {
                    setPicking(false);
                    void toggle(kind);
                  }}
                >
                  <Icon aria-hidden="true" size={20} />
                  <span>{t(`forums.reactions.${kind}`)}</span>
                </button>
              );
            })}
          </Popover.Content>
        </Popover.Portal>
      </Popover.Root>
    </div>
  );
}
