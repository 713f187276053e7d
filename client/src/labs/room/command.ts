import { useTranslation } from 'react-i18next';
import { announce } from '../../app/LiveAnnouncer';

export type AckResult = { ok: true } | { ok: false; error: { code: string } };

/** Waits for a command of the room's store and reports a refusal out loud. */
export function useCommand() {
  const { t } = useTranslation();
  return (pending: Promise<AckResult>) =>
    void pending.then((ack) => {
      if (!ack.ok) announce(t(`errors.${ack.error.code}`, { defaultValue: t('errors.internal') }));
    });
}
