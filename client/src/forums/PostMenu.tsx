import type { Post } from '@commons/shared';
import { Ban, Flag, History, MoreHorizontal, Pencil, Quote, Trash2, VolumeX } from 'lucide-react';
import { DropdownMenu } from 'radix-ui';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { memberName } from '../members/names';
import { announce } from '../app/LiveAnnouncer';
import { FlagDialog } from '../moderation/FlagDialog';
import { useBlockActions } from '../moderation/MemberBlockControls';
import type { OpenComposer } from './PostItem';

interface PostMenuProps {
  post: Post & { author: NonNullable<Post['author']> };
  own: boolean;
  locked: boolean;
  setOpen: (open: OpenComposer) => void;
  onDelete: () => void;
  /** Opens the edit history; given only for an edited post. */
  onHistory?: (() => void) | undefined;
}

/** Mute and block the author: their own items, since the hook loads the member's block list. */
function BlockItems({ author }: { author: PostMenuProps['post']['author'] }) {
  const { t } = useTranslation();
  const { kind, toggle } = useBlockActions(author);
  const name = memberName(t, author);
  return (
    <>
      {kind !== 'block' && (
        <DropdownMenu.Item className="menu__item" onSelect={() => void toggle('mute')}>
          <VolumeX aria-hidden="true" size={18} />
          {kind === 'mute' ? t('moderation.block.unmute', { name }) : t('moderation.block.mute', { name })}
        </DropdownMenu.Item>
      )}
      <DropdownMenu.Item className="menu__item menu__item--danger" onSelect={() => void toggle('block')}>
        <Ban aria-hidden="true" size={18} />
        {kind === 'block' ? t('moderation.block.unblock', { name }) : t('moderation.block.blockName', { name })}
      </DropdownMenu.Item>
    </>
  );
}

/**
 * A post's overflow menu (Radix: a menu button with arrow keys, Esc, focus back to the button):
 * quote, the edit history of an edited post, and for one's own post edit and delete; for others'
 * report, mute and block.
 */
export function PostMenu({ post, own, locked, setOpen, onDelete, onHistory }: PostMenuProps) {
  const { t } = useTranslation();
  const [reporting, setReporting] = useState(false);
  const [reported, setReported] = useState(false);
  const name = memberName(t, post.author);

  // An item that opens something else waits for the menu to close and hand focus back to its
  // button, so the dialog or composer returns focus there too.
  const after = (action: () => void) => () => requestAnimationFrame(action);

  return (
    <>
      <DropdownMenu.Root>
        <DropdownMenu.Trigger
          className="icon-button icon-button--small"
          aria-label={t('forums.post.moreFor', { name })}
        >
          <MoreHorizontal aria-hidden="true" size={18} />
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content className="menu" align="end" sideOffset={4} collisionPadding={8}>
            {!locked && (
              <DropdownMenu.Item
                className="menu__item"
                onSelect={after(() => setOpen({ postId: post.id, kind: 'quote' }))}
              >
                <Quote aria-hidden="true" size={18} /> {t('forums.post.quoteFrom', { name })}
              </DropdownMenu.Item>
            )}
            {onHistory && (
              <DropdownMenu.Item className="menu__item" onSelect={after(onHistory)}>
                <History aria-hidden="true" size={18} /> {t('forums.post.history')}
              </DropdownMenu.Item>
            )}
            {own ? (
              <>
                <DropdownMenu.Item
                  className="menu__item"
                  onSelect={after(() => setOpen({ postId: post.id, kind: 'edit' }))}
                >
                  <Pencil aria-hidden="true" size={18} /> {t('forums.post.edit')}
                </DropdownMenu.Item>
                <DropdownMenu.Separator className="menu__separator" />
                <DropdownMenu.Item className="menu__item menu__item--danger" onSelect={after(onDelete)}>
                  <Trash2 aria-hidden="true" size={18} /> {t('forums.post.delete')}
                </DropdownMenu.Item>
              </>
            ) : (
              <>
                {!reported && (
                  <DropdownMenu.Item className="menu__item" onSelect={after(() => setReporting(true))}>
                    <Flag aria-hidden="true" size={18} /> {t('moderation.flag.open')}
                  </DropdownMenu.Item>
                )}
                <DropdownMenu.Separator className="menu__separator" />
                <BlockItems author={post.author} />
              </>
            )}
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
      {reporting && (
        <FlagDialog
          postId={post.id}
          onClose={() => setReporting(false)}
          onSent={() => {
            announce(t('moderation.flag.sent'));
            setReporting(false);
            setReported(true);
          }}
        />
      )}
      {reported && <span className="mod-reported">{t('moderation.flag.sent')}</span>}
    </>
  );
}
