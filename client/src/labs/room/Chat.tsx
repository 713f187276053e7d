import { labLimits, type LabMessage, type LabState } from '@commons/shared';
import { Ellipsis } from 'lucide-react';
import { DropdownMenu } from 'radix-ui';
import { useEffect, useLayoutEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { memberName } from '../../members/names';
import { useAuth } from '../../auth/store';
import { PublishingGate } from '../../moderation/PublishingGate';
import { labRoom } from '../store';
import { useCommand } from './command';
import { Avatar } from '../../ui/Avatar';

/**
 * A facilitator's tools for one message, in a menu of its own (arrow keys, Esc, focus back to its
 * button): spotlight it, and mute or remove its author when they are a participant.
 */
function MessageMenu({ state, message }: { state: LabState; message: LabMessage }) {
  const { t } = useTranslation();
  const run = useCommand();
  const me = useAuth((s) => s.user?.id);
  const room = labRoom.getState();
  const { phase, lab } = state;
  const author = message.author;
  const spotlit = phase.spotlightSeq === message.seq;
  const facilitator = author.id === lab.host.id || lab.facilitators.some((f) => f.id === author.id);
  const present = state.participants.some((m) => m.id === author.id);
  const manageAuthor = author.id !== me && !facilitator && present;
  const muted = phase.mutedIds.includes(author.id);
  return (
    // Not modal: a modal menu hides the rest of the page with aria-hidden while focus can still
    // reach it (axe's aria-hidden-focus); Esc, a click outside and Tab close this one all the same.
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger asChild>
        <button
          type="button"
          className="lab-chat__tools"
          aria-label={t('labs.facilitation.messageTools', { name: memberName(t, author) })}
        >
          <Ellipsis aria-hidden="true" size={18} />
        </button>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="lab-menu" align="end" sideOffset={4} collisionPadding={8}>
          <DropdownMenu.Item
            className="lab-menu__item"
            onSelect={() => run(room.spotlight(spotlit ? null : message.seq))}
          >
            {spotlit ? t('labs.facilitation.clearSpotlight') : t('labs.facilitation.spotlightThis')}
          </DropdownMenu.Item>
          {manageAuthor && (
            <>
              <DropdownMenu.Item className="lab-menu__item" onSelect={() => run(room.mute(author.id, !muted))}>
                {muted
                  ? t('labs.facilitation.unmute', { name: memberName(t, author) })
                  : t('labs.facilitation.mute', { name: memberName(t, author) })}
              </DropdownMenu.Item>
              <DropdownMenu.Separator className="lab-menu__separator" />
              <DropdownMenu.Item
                className="lab-menu__item lab-menu__item--danger"
                onSelect={() => run(room.remove(author.id))}
              >
                {t('labs.facilitation.remove', { name: memberName(t, author) })}
              </DropdownMenu.Item>
            </>
          )}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

/** The message box: a silenced or muted member is told why before typing, not after. */
function Composer({ state }: { state: LabState }) {
  const { t } = useTranslation();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const me = useAuth((s) => s.user?.id);
  const { phase, lab } = state;
  if (phase.status === 'ended' || !state.takingPart) return null;
  if (!phase.chatOpen && !lab.canManage) return <p className="meta lab-chat__closed">{t('labs.room.chatClosed')}</p>;
  if (me && phase.mutedIds.includes(me)) return <p className="notice">{t('labs.facilitation.youAreMuted')}</p>;

  async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!body.trim()) return;
    const ack = await labRoom.getState().send(body);
    if (!ack.ok) return setError(t(`errors.${ack.error.code}`));
    setError(null);
    setBody('');
  }

  return (
    <PublishingGate>
      {!phase.chatOpen && <p className="meta">{t('labs.room.chatClosed')}</p>}
      <form className="lab-chat__form" onSubmit={(e) => void onSubmit(e)}>
        <label htmlFor="lab-message" className="visually-hidden">
          {t('labs.room.message')}
        </label>
        <input
          id="lab-message"
          value={body}
          maxLength={labLimits.messageMax}
          onChange={(e) => setBody(e.target.value)}
          autoComplete="off"
        />
        <button type="submit" className="button">
          {t('labs.room.send')}
        </button>
      </form>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
    </PublishingGate>
  );
}

/**
 * Keeps the chat's bottom (its message box) at the bottom of the screen: the chat reaches from
 * where it starts on screen, or from under the room's sticky bar once scrolled there, to the
 * screen's bottom. CSS alone cannot know where the chat starts below the header and title.
 */
function useFillToBottom(ref: RefObject<HTMLElement | null>): void {
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    let frame = 0;
    const fit = () => {
      frame = 0;
      const bar = el.closest('.lab-room')?.querySelector('.lab-room__bar')?.getBoundingClientRect().bottom ?? 0;
      const top = Math.max(el.getBoundingClientRect().top, bar);
      el.style.setProperty('--lab-chat-top', `${Math.round(top)}px`);
    };
    const later = () => {
      frame ||= requestAnimationFrame(fit);
    };
    fit();
    window.addEventListener('scroll', later, { passive: true });
    window.addEventListener('resize', later);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', later);
      window.removeEventListener('resize', later);
    };
  }, [ref]);
}

/** The chat: the spotlit message, the messages (a scrolling list), and the message box pinned below. */
export function Chat({ state, headed = true }: { state: LabState; headed?: boolean }) {
  const { t } = useTranslation();
  const run = useCommand();
  const list = useRef<HTMLOListElement>(null);
  const section = useRef<HTMLElement>(null);
  useFillToBottom(section);
  const count = state.messages.length;
  const { phase, lab } = state;
  const spotlit = state.messages.find((m) => m.seq === phase.spotlightSeq);
  const tools = lab.canManage && phase.status === 'live';

  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [count]);

  return (
    <section ref={section} className="lab-chat" aria-labelledby="chat-heading">
      <h2 id="chat-heading" className={headed ? 'lab-column__heading' : 'visually-hidden'}>
        {t('labs.room.chat')}
      </h2>
      {spotlit && (
        <div className="lab-spotlight" role="note" aria-label={t('labs.facilitation.spotlightHeading')}>
          <p>
            <strong>{t('labs.facilitation.spotlightHeading')}:</strong> {memberName(t, spotlit.author)}: {spotlit.body}
          </p>
          {tools && (
            <button
              type="button"
              className="button button--secondary button--small"
              onClick={() => run(labRoom.getState().spotlight(null))}
            >
              {t('labs.facilitation.clearSpotlight')}
            </button>
          )}
        </div>
      )}
      <ol ref={list} className="lab-chat__list" tabIndex={0} aria-labelledby="chat-heading">
        {state.messages.map((m) => (
          <li
            key={m.seq}
            className={m.seq === phase.spotlightSeq ? 'lab-chat__item lab-chat__spotlit' : 'lab-chat__item'}
          >
            <Avatar member={m.author} size="sm" />
            <p className="lab-chat__text">
              <strong>{memberName(t, m.author)}</strong> <span className="lab-chat__body">{m.body}</span>
            </p>
            {tools && <MessageMenu state={state} message={m} />}
          </li>
        ))}
      </ol>
      <Composer state={state} />
    </section>
  );
}
