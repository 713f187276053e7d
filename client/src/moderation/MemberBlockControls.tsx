import type { MemberBlockKind, ModerationMemberRef } from '@commons/shared';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { announce } from '../app/LiveAnnouncer';
import { useBlockKind, useBlocks } from './blocks';

/** Mutes, blocks, or undoes either; tells screen readers what changed. */
export function useBlockActions(member: ModerationMemberRef) {
  const { t } = useTranslation();
  const kind = useBlockKind(member.id);
  const { load, change } = useBlocks();
  useEffect(() => {
    void load();
  }, [load]);
  async function toggle(which: MemberBlockKind): Promise<void> {
    const on = kind !== which;
    if (on && which === 'block' && !window.confirm(t('moderation.block.confirm', { name: member.displayName }))) return;
    try {
      await change(member, which, on);
      announce(t(`moderation.block.done.${which}.${on ? 'on' : 'off'}`, { name: member.displayName }));
    } catch {
      announce(t('errors.internal'));
    }
  }
  return { kind, toggle };
}

/** Two buttons, "Mute Ana" and "Block Ana" (or their undoing), for a profile or a post's menu. */
export function MemberBlockButtons({ member, className }: { member: ModerationMemberRef; className: string }) {
  const { t } = useTranslation();
  const { kind, toggle } = useBlockActions(member);
  const name = member.displayName;
  return (
    <>
      {kind !== 'block' && (
        <button type="button" className={className} onClick={() => void toggle('mute')}>
          {kind === 'mute' ? t('moderation.block.unmute', { name }) : t('moderation.block.mute', { name })}
        </button>
      )}
      <button type="button" className={className} onClick={() => void toggle('block')}>
        {kind === 'block' ? t('moderation.block.unblock', { name }) : t('moderation.block.blockName', { name })}
      </button>
    </>
  );
}
