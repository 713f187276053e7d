import type { MemberRef } from '@commons/shared';
import { useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { announce } from '../app/LiveAnnouncer';
import { insertMention, mentionAt } from './mentionQuery';
import { useMentionSuggestions } from './useMentionSuggestions';

interface MentionCombobox {
  /** Spread on the text area: keys, caret tracking and the ARIA that ties it to the list. */
  inputProps: {
    ref: (el: HTMLTextAreaElement | null) => void;
    onKeyDown: (event: KeyboardEvent<HTMLTextAreaElement>) => void;
    onSelect: (event: SyntheticEvent<HTMLTextAreaElement>) => void;
    onBlur: () => void;
    'aria-autocomplete': 'list';
    'aria-controls'?: string;
    'aria-activedescendant'?: string;
  };
  /** Call with the text area after each change. */
  track: (el: HTMLTextAreaElement) => void;
  /** The suggestions list and its spoken count, to render under the text area. */
  popup: ReactNode;
}

/**
 * "@" and a name in a text area suggests members by display name; choosing one writes their
 * handle (`@ana-lopez`), which is what the server turns into a mention. The text area keeps its
 * own role and points at a listbox (aria-controls / aria-activedescendant), so a screen reader
 * hears the active member while focus stays in the text: Up and Down move, Enter or Tab insert,
 * Escape closes.
 */
export function useMentionCombobox(id: string, value: string, onChange: (value: string) => void): MentionCombobox {
  const { t } = useTranslation();
  const element = useRef<HTMLTextAreaElement | null>(null);
  const [caret, setCaret] = useState<number | null>(null);
  const [active, setActive] = useState({ key: '', index: 0 });
  const [dismissed, setDismissed] = useState<string | null>(null);
  const { at, members } = useMentionSuggestions(value, caret);
  const key = at ? `${at.start}:${at.query}` : '';
  const open = at !== null && members.length > 0 && dismissed !== key;
  const index = active.key === key ? Math.min(active.index, members.length - 1) : 0;
  const listId = `${id}-mentions`;
  const optionId = (i: number) => `${id}-mention-${i}`;

  // Where the caret goes once the inserted handle is on screen. Placed in the same commit, before
  // the browser handles another key: placed a frame later, it pulled the caret back behind what a
  // fast typist (or a busy phone) had typed meanwhile ("@ana-lopez or" + "f").
  const placeCaret = useRef<{ text: string; caret: number } | null>(null);
  useLayoutEffect(() => {
    const want = placeCaret.current;
    const el = element.current;
    if (!want || !el || el.value !== want.text) return;
    placeCaret.current = null;
    el.focus();
    el.setSelectionRange(want.caret, want.caret);
  });

  function choose(member: MemberRef): void {
    if (!at) return;
    const next = insertMention(value, at, member.handle);
    placeCaret.current = next;
    onChange(next.text);
    setCaret(next.caret);
    // The inserted "@handle " still reads as a name being typed (a name may go on after a space),
    // so its lookup would open the list again over the text, unasked. It stays closed until the
    // member types on.
    const after = mentionAt(next.text, next.caret);
    if (after) setDismissed(`${after.start}:${after.query}`);
    announce(t('forums.mention.inserted', { name: member.displayName, handle: member.handle }));
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void {
    if (!open) return;
    const move = (by: number) => {
      event.preventDefault();
      setActive({ key, index: (index + by + members.length) % members.length });
    };
    if (event.key === 'ArrowDown') move(1);
    else if (event.key === 'ArrowUp') move(-1);
    else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      choose(members[index]!);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setDismissed(key);
    }
  }

  const track = (el: HTMLTextAreaElement) => setCaret(el.selectionStart === el.selectionEnd ? el.selectionStart : null);

  return {
    inputProps: {
      ref: (el) => {
        element.current = el;
      },
      onKeyDown,
      onSelect: (event) => track(event.currentTarget),
      onBlur: () => setDismissed(key),
      'aria-autocomplete': 'list',
      ...(open ? { 'aria-controls': listId, 'aria-activedescendant': optionId(index) } : {}),
    },
    track,
    popup: (
      <>
        <p className="visually-hidden" role="status">
          {open ? t('forums.mention.count', { count: members.length }) : ''}
        </p>
        {open && (
          <ul id={listId} role="listbox" className="mention-list" aria-label={t('forums.mention.label')}>
            {members.map((m, i) => (
              <li
                key={m.id}
                id={optionId(i)}
                role="option"
                aria-selected={i === index}
                className={i === index ? 'mention-list__option mention-list__option--active' : 'mention-list__option'}
                // Keep focus (and the caret) in the text while choosing with the mouse.
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => choose(m)}
              >
                <span className="mention-list__name">{m.displayName}</span>{' '}
                <span className="mention-list__handle">@{m.handle}</span>
              </li>
            ))}
          </ul>
        )}
      </>
    ),
  };
}
