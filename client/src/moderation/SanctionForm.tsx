import { sanctionKinds, type SanctionKind } from '@commons/shared';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { announce } from '../app/LiveAnnouncer';
import { ErrorSummary } from '../ui/ErrorSummary';
import { SelectField, TextAreaField, TextField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { createSanction } from './api';

/** Warn, silence or suspend a member, with a reason and (for silence and suspend) a duration. */
export function SanctionForm({ memberId: initialMember = '' }: { memberId?: string }) {
  const { t } = useTranslation();
  const baseId = useId();
  const [memberId, setMemberId] = useState(initialMember);
  const [kind, setKind] = useState<SanctionKind>('warn');
  const [reason, setReason] = useState('');
  const [hours, setHours] = useState('24');
  const [done, setDone] = useState(false);
  const { errors, submitting, submit } = useFormSubmit(t);
  const ids = { memberId: `${baseId}-member`, reason: `${baseId}-reason`, hours: `${baseId}-hours` };

  async function onSubmit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setDone(false);
    const ok = await submit({
      validate: () => ({
        ...(/^[0-9a-f]{24}$/.test(memberId.trim()) ? {} : { [ids.memberId]: t('errors.validation_failed') }),
        ...(reason.trim() ? {} : { [ids.reason]: t('moderation.queue.noteRequired') }),
      }),
      action: async () => {
        await createSanction({
          memberId: memberId.trim(),
          kind,
          reason: reason.trim(),
          ...(kind === 'warn' ? {} : { durationHours: Math.max(1, Number.parseInt(hours, 10) || 1) }),
        });
      },
    });
    if (ok) {
      setDone(true);
      setReason('');
      announce(t('moderation.sanction.done'));
    }
  }

  return (
    <section aria-labelledby={`${baseId}-title`}>
      <h2 id={`${baseId}-title`}>{t('moderation.sanction.title')}</h2>
      <form onSubmit={(event) => void onSubmit(event)} noValidate>
        <ErrorSummary items={errors.summary} />
        <TextField
          id={ids.memberId}
          label={t('moderation.sanction.memberLabel')}
          value={memberId}
          error={errors.fields[ids.memberId]}
          autoComplete="off"
          onChange={(event) => setMemberId(event.target.value)}
        />
        <SelectField
          id={`${baseId}-kind`}
          label={t('moderation.sanction.kindLabel')}
          value={kind}
          onChange={(event) => setKind(event.target.value as SanctionKind)}
        >
          {sanctionKinds.map((k) => (
            <option key={k} value={k}>
              {t(`moderation.sanction.kinds.${k}`)}
            </option>
          ))}
        </SelectField>
        <TextAreaField
          id={ids.reason}
          label={t('moderation.sanction.reasonLabel')}
          value={reason}
          rows={2}
          maxLength={1000}
          error={errors.fields[ids.reason]}
          onChange={(event) => setReason(event.target.value)}
        />
        {kind !== 'warn' && (
          <TextField
            id={ids.hours}
            label={t('moderation.sanction.durationLabel')}
            type="number"
            min={1}
            max={8760}
            inputMode="numeric"
            value={hours}
            onChange={(event) => setHours(event.target.value)}
          />
        )}
        <button type="submit" className="button" aria-disabled={submitting}>
          {t('moderation.sanction.submit')}
        </button>
        {done && <p role="status">{t('moderation.sanction.done')}</p>}
      </form>
    </section>
  );
}
