import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchMemberHandle } from './api';

/** "Mention as @ana-lopez": the handle the composer inserts for this member, on their profile. */
export function MemberHandle({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const [handle, setHandle] = useState<{ memberId: string; handle: string } | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    fetchMemberHandle(memberId, controller.signal).then(
      (ref) => setHandle({ memberId, handle: ref.handle }),
      () => undefined, // the profile reads fine without it
    );
    return () => controller.abort();
  }, [memberId]);
  if (handle?.memberId !== memberId) return null;
  return (
    <p className="meta">
      {t('profile.handle')} <code className="handle">@{handle.handle}</code>
    </p>
  );
}
