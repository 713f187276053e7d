import { sanctionKinds, type DirectoryResponse, type ModerationMemberRef, type SanctionKind } from '@commons/shared';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../api';
import { useTranslation } from 'react-i18next';
import { announce } from '../app/LiveAnnouncer';
import { ErrorSummary } from '../ui/ErrorSummary';
import { SelectField, TextAreaField, TextField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { createSanction } from './api';

/** Members whose name starts with what the moderator typed (the directory's search). */
function useMemberSearch(q: string): ModerationMemberRef[] | null {
  const [found, setFound] = useState<{ q: string; members: ModerationMemberRef[] } | null>(null);
  const words = q.trim();
  useEffect(() => {
    if (words.length < 2) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      api
        .get<DirectoryResponse>(`/api/members?limit=8&q=${encodeURIComponent(words)}`, abort.signal)
        .then((res) =>
          setFound({ q: words, members: res.members.map((m) => ({ id: m.id, displayName: m.displayName })) }),
        )
        .catch(() => undefined);
    }, 250);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [words]);
  return words.length >= 2 && found?.q === words ? found.members : null;
}

/**
 * Warn, silence or suspend a member, with a reason and (for silence and suspend) a duration. The
 * member is found by name (or given, from a queue item's author), never typed as an id.
 */
export function SanctionForm({ member: given = null }: { member?: ModerationMemberRef | null }) {
  const { t } = useTranslation();
  const baseId = useId();
  const [member, setMember] = useState<ModerationMemberRef | null>(given);
  const [query, setQuery] = useState('');
  const found = useMemberSearch(member ? '' : query);
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
        ...(member ? {} : { [ids.memberId]: t('moderation.sanction.memberRequired') }),
        ...(reason.trim() ? {} : { [ids.reason]: t('moderation.queue.noteRequired') }),
      }),
      action: async () => {
        if (!member) return;
        await createSanction({
          memberId: member.id,
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
      <h2 id={`${baseId}-title`}>
        <span id="sanction-form" tabIndex={-1}>
          {t('moderation.sanction.title')}
        </span>
      </h2>
      <form onSubmit={(event) => void onSubmit(event)} noValidate>
        <ErrorSummary items={errors.summary} />
        {member ? (
          <p>
            <span id={ids.memberId} tabIndex={-1}>
              {t('moderation.sanction.chosen', { name: member.displayName })}
            </span>{' '}
            <button type="button" className="link-button" onClick={() => setMember(null)}>
              {t('moderation.sanction.change')}
            </button>
          </p>
        ) : (
          <>
            <TextField
              id={ids.memberId}
              label={t('moderation.sanction.memberLabel')}
              type="search"
              value={query}
              error={errors.fields[ids.memberId]}
              autoComplete="off"
              onChange={(event) => setQuery(event.target.value)}
            />
            {found && (
              <div role="status">
                {found.length === 0 ? (
                  <p>{t('moderation.sanction.noMatch', { q: query.trim() })}</p>
                ) : (
                  <ul className="mod-picker" aria-label={t('moderation.sanction.results', { q: query.trim() })}>
                    {found.map((m) => (
                      <li key={m.id}>
                        <button type="button" className="button button--secondary" onClick={() => setMember(m)}>
                          {t('moderation.sanction.choose', { name: m.displayName })}
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            )}
          </>
        )}
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
