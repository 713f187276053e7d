import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useBlockKind, useBlocks } from './blocks';

/** Posts by members I blocked start collapsed behind a toggle (muted members' posts still show). */
export function CollapsedIfBlocked({ authorId, children }: { authorId: string | null; children: ReactNode }) {
  const { t } = useTranslation();
  const blocked = useBlockKind(authorId) === 'block';
  const load = useBlocks((s) => s.load);
  const [shown, setShown] = useState(false);
  useEffect(() => {
    void load();
  }, [load]);
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
