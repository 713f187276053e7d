import type { LabMemberRef } from '@commons/shared';
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { announce } from '../app/LiveAnnouncer';
import { listMembers } from '../library/api';

/**
 * Picks members by name: a search box, the matches as "Add" buttons and the chosen ones as
 * "Remove" buttons. With `single`, choosing one replaces the previous choice.
 */
export function MemberPicker({
  id,
  label,
  chosen,
  onChange,
  exclude = [],
  single = false,
}: {
  id: string;
  label: string;
  chosen: LabMemberRef[];
  onChange: (next: LabMemberRef[]) => void;
  exclude?: string[];
  single?: boolean;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [matches, setMatches] = useState<LabMemberRef[] | null>(null);

  async function search(event?: FormEvent): Promise<void> {
    event?.preventDefault();
    if (!q.trim()) return;
    try {
      const res = await listMembers(new URLSearchParams({ q: q.trim(), limit: '8' }).toString());
      const skip = new Set([...exclude, ...chosen.map((m) => m.id)]);
      const found = res.members.filter((m) => !skip.has(m.id)).map((m) => ({ id: m.id, displayName: m.displayName }));
      setMatches(found);
      announce(t('labs.people.found', { count: found.length }));
    } catch {
      announce(t('errors.internal'));
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>): void {
    // Enter searches here instead of submitting the surrounding form.
    if (event.key === 'Enter') {
      event.preventDefault();
      void search();
    }
  }

  function add(member: LabMemberRef): void {
    onChange(single ? [member] : [...chosen, member]);
    setMatches((list) => list?.filter((m) => m.id !== member.id) ?? null);
    announce(t('labs.people.added', { name: member.displayName }));
  }

  return (
    <fieldset className="lab-picker">
      <legend>{label}</legend>
      {chosen.length === 0 ? (
        <p className="meta">{t('labs.people.none')}</p>
      ) : (
        <ul className="lab-picker__chosen">
          {chosen.map((m) => (
            <li key={m.id}>
              <span>{m.displayName}</span>{' '}
              <button
                type="button"
                className="button button--secondary"
                onClick={() => {
                  onChange(chosen.filter((c) => c.id !== m.id));
                  announce(t('labs.people.removed', { name: m.displayName }));
                }}
              >
                {t('labs.people.remove', { name: m.displayName })}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="lab-chat__form">
        <label htmlFor={`${id}-search`} className="visually-hidden">
          {t('labs.people.search', { what: label })}
        </label>
        <input
          id={`${id}-search`}
          type="search"
          value={q}
          maxLength={100}
          placeholder={t('labs.people.placeholder')}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="button" className="button button--secondary" onClick={() => void search()}>
          {t('labs.people.find')}
        </button>
      </div>
      {matches && matches.length === 0 && <p className="meta">{t('labs.people.noMatch')}</p>}
      {matches && matches.length > 0 && (
        <ul className="lab-picker__matches">
          {matches.map((m) => (
            <li key={m.id}>
              <button type="button" className="button button--secondary" onClick={() => add(m)}>
                {t('labs.people.add', { name: m.displayName })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
