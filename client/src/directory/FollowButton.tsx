import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { announce } from '../app/LiveAnnouncer';
import { setFollow } from '../library/api';

/** Follow or unfollow a member; a toggle button announced to screen readers. */
export function FollowButton(props: {
  memberId: string;
  name: string;
  following: boolean;
  onChange?: (following: boolean) => void;
}) {
  const { t } = useTranslation();
  const [following, setFollowing] = useState(props.following);
  const [busy, setBusy] = useState(false);
  async function onClick(): Promise<void> {
    if (busy) return;
    setBusy(true);
    try {
      const state = await setFollow(props.memberId, !following);
      setFollowing(state.following);
      props.onChange?.(state.following);
      announce(t(state.following ? 'hub.directory.followed' : 'hub.directory.unfollowed', { name: props.name }));
    } catch (err) {
      announce(t(`errors.${(err as { code?: string }).code ?? 'internal'}`, { defaultValue: t('errors.internal') }));
    } finally {
      setBusy(false);
    }
  }
  return (
    <button
      type="button"
      className="button button--secondary"
      aria-pressed={following}
      aria-disabled={busy}
      onClick={() => void onClick()}
    >
      {following ? t('hub.directory.unfollow', { name: props.name }) : t('hub.directory.follow', { name: props.name })}
    </button>
  );
}
