import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A delete button that asks first, in place: the question and two buttons replace it, focus
 * moves to "No, keep it" (the safe choice) and comes back to the button when kept.
 */
export function ConfirmDelete({
  label,
  question,
  onConfirm,
}: {
  label: string;
  question: string;
  onConfirm: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const keepRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);

  useEffect(() => {
    if (asking) keepRef.current?.focus();
    else if (wasAsking.current) openRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  async function confirm(): Promise<void> {
    if (busy) return;
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      setAsking(false);
    }
  }

  if (!asking)
    return (
      <button ref={openRef} type="button" className="button button--secondary" onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  return (
    <div role="group" aria-labelledby="confirm-delete-question" className="notice">
      <p id="confirm-delete-question">{question}</p>
      <p className="actions">
        <button type="button" className="button" aria-disabled={busy} onClick={() => void confirm()}>
          {t('hub.manage.confirmYes')}
        </button>
        <button ref={keepRef} type="button" className="button button--secondary" onClick={() => setAsking(false)}>
          {t('hub.manage.confirmNo')}
        </button>
      </p>
    </div>
  );
}
