import { flagReasons, type FlagReason } from '@commons/shared';
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorSummary } from '../ui/ErrorSummary';
import { SelectField, TextAreaField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { flagPost } from './api';
import './moderation.css';

const focusable = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

/**
 * The report dialog: a modal (the rest of the page is inert while it is open), focus starts
 * on the first field, Tab cycles inside it, Escape closes it, and focus returns to the opener.
 */
export function FlagDialog({
  postId,
  onClose,
  onSent,
}: {
  postId: string;
  onClose: () => void;
  /** The report was filed: the opener says so where the member is looking. */
  onSent: () => void;
}) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useId();
  const introId = useId();
  const fieldId = useId();
  const [reason, setReason] = useState<FlagReason>('spam');
  const [note, setNote] = useState('');
  const { errors, submitting, submit } = useFormSubmit(t);

  useEffect(() => {
    opener.current = document.activeElement;
    const node = dialog.current;
    if (node && !node.open) node.showModal();
    node?.querySelector<HTMLElement>('select')?.focus();
    return () => {
      if (opener.current instanceof HTMLElement) opener.current.focus();
    };
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLDialogElement>): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
      return;
    }
    if (event.key !== 'Tab' || !dialog.current) return;
    const items = [...dialog.current.querySelectorAll<HTMLElement>(focusable)].filter(
      (el) => !el.hasAttribute('disabled'),
    );
    const first = items[0];
    const last = items.at(-1);
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  async function onSubmit(event: FormEvent): Promise<void> {
    event.preventDefault();
    const ok = await submit({
      action: async () => {
        await flagPost(postId, note.trim() ? { reason, note: note.trim() } : { reason });
      },
    });
    if (ok) onSent();
  }

  return (
    <dialog
      ref={dialog}
      className="mod-dialog"
      aria-labelledby={titleId}
      aria-describedby={introId}
      onKeyDown={onKeyDown}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={(event) => void onSubmit(event)} noValidate>
        <h2 id={titleId}>{t('moderation.flag.title')}</h2>
        <p id={introId}>{t('moderation.flag.intro')}</p>
        <ErrorSummary items={errors.summary} />
        <SelectField
          id={`${fieldId}-reason`}
          label={t('moderation.flag.reasonLabel')}
          value={reason}
          onChange={(event) => setReason(event.target.value as FlagReason)}
        >
          {flagReasons.map((r) => (
            <option key={r} value={r}>
              {t(`moderation.reasons.${r}`)}
            </option>
          ))}
        </SelectField>
        <TextAreaField
          id={`${fieldId}-note`}
          label={t('moderation.flag.noteLabel')}
          value={note}
          maxLength={1000}
          rows={3}
          onChange={(event) => setNote(event.target.value)}
        />
        <div className="mod-actions">
          <button type="submit" className="button" aria-disabled={submitting}>
            {submitting ? t('moderation.flag.sending') : t('moderation.flag.submit')}
          </button>
          <button type="button" className="button button--secondary" onClick={onClose}>
            {t('moderation.flag.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
