import type { ModerationNoticeEvent } from '@commons/shared';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormatDate } from '../i18n/format';
import { socket } from '../socket';
import './moderation.css';

/**
 * Moderation news for the signed-in member, live on their own socket room: warnings,
 * silences, suspensions and decisions about their posts. Shown until dismissed.
 */
export function ModerationNotices() {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const [notices, setNotices] = useState<Array<ModerationNoticeEvent & { key: number }>>([]);

  useEffect(() => {
    let n = 0;
    const onNotice = (notice: ModerationNoticeEvent) => setNotices((list) => [...list, { ...notice, key: ++n }]);
    socket.on('moderation:notice', onNotice);
    return () => {
      socket.off('moderation:notice', onNotice);
    };
  }, []);

  if (notices.length === 0) return null;
  return (
    <div role="alert">
      {notices.map((notice) => (
        <div key={notice.key} className="mod-banner">
          <p>
            {t(`moderation.notice.${notice.kind}`, {
              reason: notice.reason,
              date: notice.expiresAt ? formatDate(notice.expiresAt, { dateStyle: 'medium', timeStyle: 'short' }) : '',
            })}
          </p>
          <button
            type="button"
            className="link-button"
            onClick={() => setNotices((list) => list.filter((x) => x.key !== notice.key))}
          >
            {t('moderation.notice.dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}
