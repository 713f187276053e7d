import type { AdminMember } from '@commons/shared';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorSummary } from '../ui/ErrorSummary';
import { SelectField, TextAreaField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { liftSuspension, suspendMember } from './api';

const durations = [24, 72, 168, 720, 8760] as const;

interface Props {
  member: AdminMember;
  /** Suspend, or lift the member's suspension. */
  mode: 'suspend' | 'lift';
  onDone: (updated: AdminMember, message: string) => void;
  onCancel: () => void;
}

/** The admins' member list: suspend a member (reason, duration) or lift a suspension (reason). */
export function SuspensionPanel({ member, mode, onDone, onCancel }: Props) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  const [reason, setReason] = useState('');
  const [hours, setHours] = useState<number>(72);
  const { errors, submitting, submit } = useFormSubmit(t);
  useEffect(() => heading.current?.focus(), [member.id, mode]);

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void submit({
      validate: () => ({
        'suspension-reason': reason.trim() ? undefined : t('adminMembers.suspension.reasonRequired'),
      }),
      action: async () => {
        if (mode === 'suspend') {
          const updated = await suspendMember(member.id, { reason: reason.trim(), durationHours: hours });
          onDone(updated, t('adminMembers.suspension.suspended', { name: member.displayName }));
        } else {
          const updated = await liftSuspension(member.id, { reason: reason.trim() });
          onDone(updated, t('adminMembers.suspension.lifted', { name: member.displayName }));
        }
      },
    });
  }

  return (
    <section className="panel admin-panel" aria-labelledby="suspension-heading">
      <h2 id="suspension-heading" ref={heading} tabIndex={-1}>
        {mode === 'suspend'
          ? t('adminMembers.suspension.suspendHeading', { name: member.displayName })
          : t('adminMembers.suspension.liftHeading', { name: member.displayName })}
      </h2>
      <p>
        {mode === 'suspend' ? t('adminMembers.suspension.suspendExplain') : t('adminMembers.suspension.liftExplain')}
      </p>
      <ErrorSummary items={errors.summary} />
      <form className="form" noValidate onSubmit={onSubmit}>
        <TextAreaField
          id="suspension-reason"
          rows={3}
          label={t('adminMembers.suspension.reason')}
          hint={mode === 'suspend' ? t('adminMembers.suspension.reasonHint') : undefined}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={errors.fields['suspension-reason']}
        />
        {mode === 'suspend' && (
          <SelectField
            id="suspension-duration"
            label={t('adminMembers.suspension.duration')}
            value={String(hours)}
            onChange={(e) => setHours(Number(e.target.value))}
          >
            {durations.map((h) => (
              <option key={h} value={String(h)}>
                {t(`adminMembers.suspension.durations.h${h}`)}
              </option>
            ))}
          </SelectField>
        )}
        <div className="admin-actions">
          <button
            type="submit"
            className={mode === 'suspend' ? 'button button--danger' : 'button'}
            aria-disabled={submitting}
          >
            {mode === 'suspend' ? t('adminMembers.suspension.suspendSubmit') : t('adminMembers.suspension.liftSubmit')}
          </button>
          <button type="button" className="button button--secondary" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
