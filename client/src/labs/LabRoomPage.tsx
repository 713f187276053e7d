import {
  consensusChoices,
  labLimits,
  type ConsensusChoice,
  type LabIdea,
  type LabMemberRef,
  type LabState,
} from '@commons/shared';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isApiError } from '../api';
import { useAuth } from '../auth/store';
import { announce } from '../app/LiveAnnouncer';
import { socket, useConnection } from '../socket';
import { Loading, Page } from '../ui/Page';
import { useFormatDate } from '../i18n/format';
import { createAction, createOutcome, labPath, updateAction } from './api';
import { OutcomeList } from './LabManage';
import './labs.css';
import { useLabRoom } from './store';

type AckResult = { ok: true } | { ok: false; error: { code: string } };

/** Joins the room while the page is open (and again after a reconnect), keeping the store current. */
function useRoom(labId: string): { error: string | null } {
  const { t } = useTranslation();
  const ready = useConnection((s) => s.ready);
  const me = useAuth((s) => s.user?.id);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const room = useLabRoom.getState();
    const mine = (e: { labId: string }) => e.labId === labId;
    const onPresence: Parameters<typeof socket.on<'lab:presence'>>[1] = (e) => mine(e) && room.presence(e);
    const onMessage: Parameters<typeof socket.on<'lab:message'>>[1] = (m) => {
      if (!mine(m)) return;
      useLabRoom.getState().messages([m]);
      if (m.author.id !== me) announce(t('labs.room.newMessage', { name: m.author.displayName, body: m.body }));
    };
    const onPhase: Parameters<typeof socket.on<'lab:phase'>>[1] = (p) => {
      if (!mine(p)) return;
      const before = useLabRoom.getState().state?.phase;
      useLabRoom.getState().phase(p);
      if (p.status === 'ended' && before?.status !== 'ended') announce(t('labs.room.labEnded'));
      else if (p.index !== before?.index && p.title) announce(t('labs.room.phaseChanged', { title: p.title }));
    };
    const onQueue: Parameters<typeof socket.on<'lab:queue'>>[1] = (q) => mine(q) && useLabRoom.getState().queue(q);
    const onIdea: Parameters<typeof socket.on<'lab:idea'>>[1] = (i) => mine(i) && useLabRoom.getState().idea(i);
    const onConsensus: Parameters<typeof socket.on<'lab:consensus'>>[1] = (e) =>
      mine(e) && useLabRoom.getState().consensus(e.tally);
    const onAction: Parameters<typeof socket.on<'lab:action'>>[1] = (e) =>
      mine(e) && useLabRoom.getState().action(e.action);
    const onOutcome: Parameters<typeof socket.on<'lab:outcome'>>[1] = (e) => {
      if (!mine(e)) return;
      useLabRoom.getState().outcome(e.outcome);
      announce(t('labs.outcomes.recorded', { title: e.outcome.title }));
    };
    const onRemoved: Parameters<typeof socket.on<'lab:removed'>>[1] = (e) => {
      if (!mine(e) || e.memberId !== me) return;
      setError(t('labs.facilitation.youWereRemoved'));
      announce(t('labs.facilitation.youWereRemoved'));
    };
    socket.on('lab:presence', onPresence);
    socket.on('lab:message', onMessage);
    socket.on('lab:phase', onPhase);
    socket.on('lab:queue', onQueue);
    socket.on('lab:idea', onIdea);
    socket.on('lab:consensus', onConsensus);
    socket.on('lab:action', onAction);
    socket.on('lab:outcome', onOutcome);
    socket.on('lab:removed', onRemoved);
    return () => {
      socket.off('lab:presence', onPresence);
      socket.off('lab:message', onMessage);
      socket.off('lab:phase', onPhase);
      socket.off('lab:queue', onQueue);
      socket.off('lab:idea', onIdea);
      socket.off('lab:consensus', onConsensus);
      socket.off('lab:action', onAction);
      socket.off('lab:outcome', onOutcome);
      socket.off('lab:removed', onRemoved);
    };
  }, [labId, me, t]);

  useEffect(() => {
    if (!ready) return;
    const previous = useLabRoom.getState();
    const lastSeq = previous.labId === labId ? (previous.state?.lastSeq ?? 0) : 0;
    socket.emit('lab:join', { labId }, (ack) => {
      if (!ack.ok) {
        setError(t(`errors.${ack.error.code}`));
        return;
      }
      setError(null);
      useLabRoom.getState().joined(ack.data);
      // After a reconnect: everything after the last message we saw, not only the latest page.
      if (lastSeq > 0 && lastSeq < ack.data.lastSeq)
        socket.emit('lab:messages:since', { labId, seq: lastSeq }, (since) => {
          if (since.ok) useLabRoom.getState().messages(since.data.messages);
        });
    });
    return () => {
      socket.emit('lab:leave', { labId }, () => undefined);
    };
  }, [labId, ready, t]);

  useEffect(() => () => useLabRoom.getState().reset(), [labId]);
  return { error };
}

/** The current time, ticking every second (for countdowns). */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function PhaseBar({ state }: { state: LabState }) {
  const { t } = useTranslation();
  const now = useNow();
  const { phase, lab } = state;
  if (phase.status === 'scheduled') return <p className="lab-phase">{t('labs.room.notStarted')}</p>;
  if (phase.status !== 'live') return <p className="lab-phase">{t('labs.room.ended')}</p>;
  const left = phase.endsAt ? Math.max(0, new Date(phase.endsAt).getTime() - now) : 0;
  const mm = Math.floor(left / 60_000);
  const ss = String(Math.floor((left % 60_000) / 1000)).padStart(2, '0');
  return (
    <div className="lab-phase">
      <p className="lab-phase__title">
        {t('labs.room.phase', { n: phase.index + 1, total: lab.agenda.length, title: phase.title ?? '' })}
      </p>
      {/* The countdown is not a live region: it would speak every second. */}
      <p className={left === 0 ? 'lab-phase__time lab-phase__time--over' : 'lab-phase__time'}>
        {left === 0 ? t('labs.room.overtime') : t('labs.room.timeLeft', { time: `${mm}:${ss}` })}
      </p>
    </div>
  );
}

/** Sends a command and reports a refusal out loud. */
function useCommand() {
  const { t } = useTranslation();
  return (send: (done: (ack: AckResult) => void) => void) =>
    send((ack) => {
      if (!ack.ok) announce(t(`errors.${ack.error.code}`, { defaultValue: t('errors.internal') }));
    });
}

/** One of the board's on/off switches (ideas, voting, anonymous ideas), shown pressed when on. */
function BoardToggle({ label, pressed, onToggle }: { label: string; pressed: boolean; onToggle: () => void }) {
  return (
    <button type="button" className="button button--secondary" aria-pressed={pressed} onClick={onToggle}>
      {label}
    </button>
  );
}

function Controls({ state }: { state: LabState }) {
  const { t } = useTranslation();
  const run = useCommand();
  const labId = state.lab.id;
  const [quiet, setQuiet] = useState<string[] | null>(null);
  const { phase } = state;
  return (
    <section className="panel" aria-labelledby="controls-heading">
      <h2 id="controls-heading">{t('labs.room.controls')}</h2>
      {phase.lead && <p className="meta">{t('labs.facilitation.lead', { name: phase.lead.displayName })}</p>}
      <div className="lab-buttons">
        {phase.status === 'scheduled' && (
          <button type="button" className="button" onClick={() => run((d) => socket.emit('lab:start', { labId }, d))}>
            {t('labs.room.start')}
          </button>
        )}
        {phase.status === 'live' && (
          <>
            {phase.index < state.lab.agenda.length - 1 && (
              <button
                type="button"
                className="button"
                onClick={() => run((d) => socket.emit('lab:phase:advance', { labId }, d))}
              >
                {t('labs.room.advance')}
              </button>
            )}
            <button
              type="button"
              className="button button--secondary"
              onClick={() => run((d) => socket.emit('lab:phase:extend', { labId, minutes: 5 }, d))}
            >
              {t('labs.room.extend')}
            </button>
            <button
              type="button"
              className="button button--secondary"
              onClick={() => run((d) => socket.emit('lab:chat:set', { labId, open: !phase.chatOpen }, d))}
            >
              {phase.chatOpen ? t('labs.room.closeChat') : t('labs.room.openChat')}
            </button>
            {(phase.kind === 'ideas' || phase.kind === 'vote') && (
              <>
                {phase.kind === 'ideas' && (
                  <BoardToggle
                    label={t('labs.facilitation.ideasOpen')}
                    pressed={phase.ideasOpen}
                    onToggle={() => run((d) => socket.emit('lab:board:set', { labId, ideasOpen: !phase.ideasOpen }, d))}
                  />
                )}
                <BoardToggle
                  label={t('labs.facilitation.votingOpen')}
                  pressed={phase.votingOpen}
                  onToggle={() => run((d) => socket.emit('lab:board:set', { labId, votingOpen: !phase.votingOpen }, d))}
                />
                <BoardToggle
                  label={t('labs.facilitation.anonymousIdeas')}
                  pressed={phase.anonymousIdeas}
                  onToggle={() =>
                    run((d) => socket.emit('lab:board:set', { labId, anonymousIdeas: !phase.anonymousIdeas }, d))
                  }
                />
              </>
            )}
            <button
              type="button"
              className="button button--secondary"
              onClick={() => run((d) => socket.emit('lab:hand:next', { labId }, d))}
            >
              {t('labs.room.callNext')}
            </button>
            <button
              type="button"
              className="button button--secondary"
              onClick={() =>
                socket.emit('lab:quiet', { labId }, (ack) => {
                  if (ack.ok) setQuiet(ack.data.members.map((m) => m.displayName));
                })
              }
            >
              {t('labs.room.quiet')}
            </button>
            <button
              type="button"
              className="button button--secondary"
              onClick={() => run((d) => socket.emit('lab:end', { labId }, d))}
            >
              {t('labs.room.end')}
            </button>
          </>
        )}
      </div>
      {quiet && (
        <p role="status">
          {quiet.length === 0 ? t('labs.room.quietNone') : `${t('labs.room.quiet')}: ${quiet.join(', ')}`}
        </p>
      )}
    </section>
  );
}

function Queue({ state }: { state: LabState }) {
  const { t } = useTranslation();
  const run = useCommand();
  const me = useAuth((s) => s.user?.id);
  const { queue } = state;
  const raised = queue.hands.some((h) => h.id === me);
  const labId = state.lab.id;
  return (
    <section className="panel" aria-labelledby="queue-heading">
      <h2 id="queue-heading">{t('labs.room.queue')}</h2>
      {queue.speaking && <p>{t('labs.room.speaking', { name: queue.speaking.displayName })}</p>}
      {queue.hands.length === 0 ? (
        <p className="meta">{t('labs.room.noHands')}</p>
      ) : (
        <ol>
          {queue.hands.map((h) => (
            <li key={h.id}>{h.displayName}</li>
          ))}
        </ol>
      )}
      {state.phase.status === 'live' && (
        <button
          type="button"
          className="button button--secondary"
          aria-pressed={raised}
          onClick={() => run((d) => socket.emit(raised ? 'lab:hand:lower' : 'lab:hand:raise', { labId }, d))}
        >
          {raised ? t('labs.room.lowerHand') : t('labs.room.raiseHand')}
        </button>
      )}
    </section>
  );
}

function Chat({ state }: { state: LabState }) {
  const { t } = useTranslation();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const labId = state.lab.id;
  const canPost = (state.phase.chatOpen || state.lab.canManage) && state.phase.status !== 'ended';
  const list = useRef<HTMLOListElement>(null);
  const count = state.messages.length;
  const run = useCommand();
  const spotlit = state.messages.find((m) => m.seq === state.phase.spotlightSeq);
  const me = useAuth((s) => s.user?.id);
  const muted = Boolean(me && state.phase.mutedIds.includes(me));

  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [count]);

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (!body.trim()) return;
    socket.emit('lab:message:send', { labId, body }, (ack) => {
      if (!ack.ok) {
        setError(t(`errors.${ack.error.code}`));
        return;
      }
      setError(null);
      setBody('');
      useLabRoom.getState().messages([ack.data]);
    });
  }

  return (
    <section className="panel lab-chat" aria-labelledby="chat-heading">
      <h2 id="chat-heading">{t('labs.room.chat')}</h2>
      {spotlit && (
        <div className="lab-spotlight" role="note" aria-label={t('labs.facilitation.spotlightHeading')}>
          <p>
            <strong>{t('labs.facilitation.spotlightHeading')}:</strong> {spotlit.author.displayName}: {spotlit.body}
          </p>
          {state.lab.canManage && (
            <button
              type="button"
              className="button button--secondary"
              onClick={() => run((d) => socket.emit('lab:spotlight', { labId, seq: null }, d))}
            >
              {t('labs.facilitation.clearSpotlight')}
            </button>
          )}
        </div>
      )}
      <ol ref={list} className="lab-chat__list" tabIndex={0} aria-labelledby="chat-heading">
        {state.messages.map((m) => (
          <li key={m.seq} className={m.seq === state.phase.spotlightSeq ? 'lab-chat__spotlit' : undefined}>
            <strong>{m.author.displayName}</strong> <span className="lab-chat__body">{m.body}</span>
            {state.lab.canManage && state.phase.status === 'live' && m.seq !== state.phase.spotlightSeq && (
              <>
                {' '}
                <button
                  type="button"
                  className="button button--secondary button--small"
                  onClick={() => run((d) => socket.emit('lab:spotlight', { labId, seq: m.seq }, d))}
                >
                  {t('labs.facilitation.spotlight', { name: m.author.displayName })}
                </button>
              </>
            )}
          </li>
        ))}
      </ol>
      {!state.phase.chatOpen && <p className="meta">{t('labs.room.chatClosed')}</p>}
      {muted && <p className="notice">{t('labs.facilitation.youAreMuted')}</p>}
      {canPost && !muted && (
        <form className="lab-chat__form" onSubmit={onSubmit}>
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
      )}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function Ideas({ state }: { state: LabState }) {
  const { t } = useTranslation();
  const run = useCommand();
  const [text, setText] = useState('');
  const [anonymous, setAnonymous] = useState(false);
  const labId = state.lab.id;
  const kind = state.phase.status === 'live' ? state.phase.kind : null;
  if (kind !== 'ideas' && kind !== 'vote' && state.ideas.length === 0) return null;

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (!text.trim()) return;
    socket.emit('lab:idea:add', { labId, text, anonymous }, (ack) => {
      if (ack.ok) {
        setText('');
        useLabRoom.getState().idea(ack.data);
      } else announce(t(`errors.${ack.error.code}`));
    });
  }

  const canDot = (kind === 'ideas' || kind === 'vote') && state.phase.votingOpen;
  const organise = state.lab.canManage && (kind === 'ideas' || kind === 'vote');
  // Merged ideas leave the board; grouped ones come together (by group name, then most dots).
  const board = state.ideas
    .filter((i) => !i.mergedIntoId)
    .sort((a, b) => (a.group ?? '\uffff').localeCompare(b.group ?? '\uffff') || b.dots - a.dots);
  return (
    <section className="panel" aria-labelledby="ideas-heading">
      <h2 id="ideas-heading">{t('labs.room.ideas')}</h2>
      {canDot && <p className="meta">{t('labs.room.dotsLeft', { count: state.dotsLeft })}</p>}
      <ul className="lab-ideas">
        {board.map((idea) => (
          <li key={idea.id} className="lab-ideas__item">
            <span>
              {idea.group && (
                <span className="lab-ideas__group">{t('labs.ideaTools.inGroup', { group: idea.group })}</span>
              )}
              {idea.text}{' '}
              <span className="meta">{idea.author ? idea.author.displayName : t('labs.room.anonymousAuthor')}</span>
            </span>
            <span className="badge">{t('labs.room.dots', { count: idea.dots })}</span>
            {canDot && (
              <button
                type="button"
                className="button button--secondary"
                aria-pressed={idea.mine}
                onClick={() =>
                  run((d) =>
                    socket.emit('lab:idea:dot', { labId, ideaId: idea.id, on: !idea.mine }, (ack) => {
                      if (ack.ok)
                        useLabRoom
                          .getState()
                          .idea(ack.data.idea, { mine: ack.data.idea.mine, dotsLeft: ack.data.dotsLeft });
                      d(ack);
                    }),
                  )
                }
              >
                {idea.mine ? t('labs.room.undot', { text: idea.text }) : t('labs.room.dot', { text: idea.text })}
              </button>
            )}
            {organise && <IdeaTools labId={labId} idea={idea} others={board.filter((i) => i.id !== idea.id)} />}
          </li>
        ))}
      </ul>
      {kind === 'ideas' && !state.phase.ideasOpen && <p className="meta">{t('labs.facilitation.ideasClosed')}</p>}
      {(kind === 'ideas' || kind === 'vote') && !state.phase.votingOpen && (
        <p className="meta">{t('labs.facilitation.votingClosed')}</p>
      )}
      {kind === 'ideas' && state.phase.ideasOpen && (
        <form className="form" onSubmit={onSubmit}>
          <div className="field">
            <label htmlFor="lab-idea">{t('labs.room.idea')}</label>
            <input id="lab-idea" value={text} maxLength={labLimits.ideaMax} onChange={(e) => setText(e.target.value)} />
          </div>
          {state.phase.anonymousIdeas && (
            <div className="field lab-check">
              <input
                id="lab-idea-anonymous"
                type="checkbox"
                checked={anonymous}
                onChange={(e) => setAnonymous(e.target.checked)}
              />
              <label htmlFor="lab-idea-anonymous">{t('labs.room.anonymous')}</label>
            </div>
          )}
          <button type="submit" className="button">
            {t('labs.room.addIdea')}
          </button>
        </form>
      )}
    </section>
  );
}

/** Facilitators merge an idea into another or put it in a group. */
function IdeaTools({ labId, idea, others }: { labId: string; idea: LabIdea; others: LabIdea[] }) {
  const { t } = useTranslation();
  const run = useCommand();
  const [into, setInto] = useState('');
  const [group, setGroup] = useState(idea.group ?? '');
  const key = `idea-${idea.id}`;
  const apply = (ack: AckResult & { data?: LabIdea }) => {
    if (ack.ok && ack.data) useLabRoom.getState().idea(ack.data);
  };
  return (
    <details className="lab-idea-tools">
      <summary>{t('labs.ideaTools.organise', { text: idea.text })}</summary>
      {others.length > 0 && (
        <div className="lab-chat__form">
          <label htmlFor={`${key}-into`}>{t('labs.ideaTools.mergeInto', { text: idea.text })}</label>
          <select id={`${key}-into`} value={into} onChange={(e) => setInto(e.target.value)}>
            <option value="">—</option>
            {others.map((o) => (
              <option key={o.id} value={o.id}>
                {o.text}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button button--secondary"
            onClick={() =>
              into &&
              run((d) =>
                socket.emit('lab:idea:merge', { labId, fromId: idea.id, intoId: into }, (ack) => {
                  apply(ack);
                  if (ack.ok) announce(t('labs.ideaTools.merged', { text: idea.text }));
                  d(ack);
                }),
              )
            }
          >
            {t('labs.ideaTools.merge')}
          </button>
        </div>
      )}
      <div className="lab-chat__form">
        <label htmlFor={`${key}-group`}>{t('labs.ideaTools.group', { text: idea.text })}</label>
        <input
          id={`${key}-group`}
          value={group}
          maxLength={labLimits.groupMax}
          onChange={(e) => setGroup(e.target.value)}
        />
        <button
          type="button"
          className="button button--secondary"
          onClick={() =>
            run((d) =>
              socket.emit('lab:idea:group', { labId, ideaId: idea.id, group: group.trim() || null }, (ack) => {
                apply(ack);
                d(ack);
              }),
            )
          }
        >
          {t('labs.ideaTools.saveGroup')}
        </button>
      </div>
    </details>
  );
}

function Consensus({ state }: { state: LabState }) {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<ConsensusChoice>('agree');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [quorum, setQuorum] = useState('');
  const run = useCommand();
  if (state.phase.status !== 'live' || state.phase.kind !== 'consensus') return null;
  const tally = state.consensus;
  const labId = state.lab.id;
  // Before the first answer there is no tally yet: the defaults apply.
  const anonymous = tally?.anonymous ?? true;
  const hidden = tally?.hidden ?? false;
  const closed = tally?.closed ?? false;
  const setting = (change: Omit<Parameters<typeof socket.emit<'lab:consensus:set'>>[1], 'labId'>) =>
    run((d) =>
      socket.emit('lab:consensus:set', { labId, ...change }, (ack) => {
        if (ack.ok) useLabRoom.getState().consensus(ack.data);
        d(ack);
      }),
    );

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    const payload = { labId: state.lab.id, choice, ...(reason.trim() ? { reason: reason.trim() } : {}) };
    socket.emit('lab:consensus:vote', payload, (ack) => {
      if (!ack.ok) {
        setError(t(`errors.${ack.error.code}`));
        return;
      }
      setError(null);
      useLabRoom.getState().consensus(ack.data);
      announce(t(`labs.room.outcome.${ack.data.outcome}`));
    });
  }

  return (
    <section className="panel" aria-labelledby="consensus-heading">
      <h2 id="consensus-heading">{t('labs.room.consensus')}</h2>
      {tally && (
        <p>
          <strong>{t(`labs.room.outcome.${tally.outcome}`)}</strong>{' '}
          {!(tally.hidden && !tally.closed) &&
            consensusChoices.map((c) => `${t(`labs.room.choices.${c}`)} ${tally.counts[c]}`).join(' · ')}
        </p>
      )}
      {tally && (
        <p className="meta">
          {t('labs.consensusSet.answered', { count: tally.total })}
          {tally.quorum !== null && <> {t('labs.consensusSet.quorumLine', { quorum: tally.quorum })}</>}
          {tally.closed && <> {t('labs.consensusSet.closedNote')}</>}
        </p>
      )}
      {tally && tally.voters.length > 0 && (
        <>
          <h3>{t('labs.consensusSet.voters')}</h3>
          <ul>
            {tally.voters.map((v) => (
              <li key={v.member.id}>
                {v.member.displayName}: {t(`labs.room.choices.${v.choice}`)}
              </li>
            ))}
          </ul>
        </>
      )}
      {state.lab.canManage && (
        <div className="lab-buttons">
          <button
            type="button"
            className="button button--secondary"
            aria-pressed={anonymous}
            onClick={() => setting({ anonymous: !anonymous })}
          >
            {t('labs.consensusSet.anonymous')}
          </button>
          <button
            type="button"
            className="button button--secondary"
            aria-pressed={hidden}
            onClick={() => setting({ hideResults: !hidden })}
          >
            {t('labs.consensusSet.hide')}
          </button>
          <button type="button" className="button button--secondary" onClick={() => setting({ closed: !closed })}>
            {closed ? t('labs.consensusSet.reopen') : t('labs.consensusSet.close')}
          </button>
          <div className="lab-chat__form">
            <label htmlFor="consensus-quorum">{t('labs.consensusSet.quorum')}</label>
            <input
              id="consensus-quorum"
              type="number"
              inputMode="numeric"
              min={1}
              value={quorum}
              onChange={(e) => setQuorum(e.target.value)}
            />
            <button
              type="button"
              className="button button--secondary"
              onClick={() => setting({ quorum: quorum ? Number(quorum) : null })}
            >
              {t('labs.consensusSet.setQuorum')}
            </button>
          </div>
        </div>
      )}
      <form className="form" onSubmit={onSubmit}>
        <fieldset>
          <legend>{t('labs.room.consensus')}</legend>
          {consensusChoices.map((c) => (
            <div key={c} className="lab-check">
              <input
                id={`consensus-${c}`}
                type="radio"
                name="consensus"
                value={c}
                checked={choice === c}
                onChange={() => setChoice(c)}
              />
              <label htmlFor={`consensus-${c}`}>{t(`labs.room.choices.${c}`)}</label>
            </div>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="consensus-reason">{t('labs.room.reason')}</label>
          <input
            id="consensus-reason"
            value={reason}
            maxLength={labLimits.reasonMax}
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
        <button type="submit" className="button">
          {t('labs.room.vote')}
        </button>
        {error && (
          <p className="notice notice--error" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}

function Actions({ state }: { state: LabState }) {
  const { t } = useTranslation();
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const labId = state.lab.id;

  async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!title.trim()) return;
    try {
      const action = await createAction(labId, { title: title.trim(), ownerId: null, dueDate: null, status: 'open' });
      useLabRoom.getState().action(action);
      setTitle('');
      setError(null);
    } catch (err) {
      setError(t(`errors.${isApiError(err) ? err.code : 'internal'}`));
    }
  }

  async function toggle(actionId: string, done: boolean): Promise<void> {
    try {
      useLabRoom.getState().action(await updateAction(labId, actionId, { status: done ? 'done' : 'open' }));
    } catch (err) {
      announce(t(`errors.${isApiError(err) ? err.code : 'internal'}`));
    }
  }

  return (
    <section className="panel" aria-labelledby="actions-heading">
      <h2 id="actions-heading">{t('labs.room.actions')}</h2>
      <ul className="lab-actions">
        {state.actions.map((a) => (
          <li key={a.id} className="lab-check">
            <input
              id={`action-${a.id}`}
              type="checkbox"
              checked={a.status === 'done'}
              onChange={(e) => void toggle(a.id, e.target.checked)}
            />
            <label htmlFor={`action-${a.id}`}>
              {a.title}
              {a.owner && <span className="meta"> {t('labs.room.owner', { name: a.owner.displayName })}</span>}
              {a.dueDate && <span className="meta"> {t('labs.room.due', { date: a.dueDate })}</span>}
            </label>
          </li>
        ))}
      </ul>
      <form className="lab-chat__form" onSubmit={(e) => void onSubmit(e)}>
        <label htmlFor="lab-action" className="visually-hidden">
          {t('labs.room.actionTitle')}
        </label>
        <input
          id="lab-action"
          value={title}
          maxLength={labLimits.actionTitleMax}
          onChange={(e) => setTitle(e.target.value)}
        />
        <button type="submit" className="button">
          {t('labs.room.addAction')}
        </button>
      </form>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** Who is here; facilitators mute, remove, or hand the controls to a co-facilitator from this list. */
function People({ state }: { state: LabState }) {
  const { t } = useTranslation();
  const run = useCommand();
  const me = useAuth((s) => s.user?.id);
  const { lab, phase } = state;
  const labId = lab.id;
  const facilitatorIds = new Set([lab.host.id, ...lab.facilitators.map((f) => f.id)]);
  const manage = lab.canManage && phase.status === 'live';
  const controls = (m: LabMemberRef) => {
    if (!manage || m.id === me) return null;
    if (facilitatorIds.has(m.id))
      return phase.lead?.id === m.id ? null : (
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => run((d) => socket.emit('lab:handoff', { labId, memberId: m.id }, d))}
        >
          {t('labs.facilitation.handOff', { name: m.displayName })}
        </button>
      );
    const muted = phase.mutedIds.includes(m.id);
    return (
      <>
        <button
          type="button"
          className="button button--secondary button--small"
          aria-pressed={muted}
          onClick={() => run((d) => socket.emit('lab:mute', { labId, memberId: m.id, muted: !muted }, d))}
        >
          {t('labs.facilitation.mute', { name: m.displayName })}
        </button>{' '}
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => run((d) => socket.emit('lab:remove', { labId, memberId: m.id }, d))}
        >
          {t('labs.facilitation.remove', { name: m.displayName })}
        </button>
      </>
    );
  };
  return (
    <details className="lab-people">
      <summary>{t('labs.room.participants', { count: state.participants.length })}</summary>
      <ul>
        {state.participants.map((m) => (
          <li key={m.id}>
            {m.displayName}
            {phase.mutedIds.includes(m.id) && <span className="meta"> {t('labs.facilitation.muted')}</span>}{' '}
            {controls(m)}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** Decisions recorded in the lab; facilitators record one with an optional review date. */
function Outcomes({ state }: { state: LabState }) {
  const { t } = useTranslation();
  const format = useFormatDate();
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [reviewOn, setReviewOn] = useState('');
  const [error, setError] = useState<string | null>(null);
  const labId = state.lab.id;
  const canRecord = state.lab.canManage && (state.phase.status === 'live' || state.phase.status === 'ended');
  if (!canRecord && state.outcomes.length === 0) return null;

  async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!title.trim()) {
      setError(t('errors.validation_failed'));
      return;
    }
    try {
      // A review date means the morning of that day, in the member's own time.
      const reviewAt = reviewOn ? new Date(`${reviewOn}T09:00`).toISOString() : null;
      const outcome = await createOutcome(labId, { title: title.trim(), text: text.trim(), reviewAt });
      useLabRoom.getState().outcome(outcome);
      setTitle('');
      setText('');
      setReviewOn('');
      setError(null);
    } catch (err) {
      setError(t(`errors.${isApiError(err) ? err.code : 'internal'}`));
    }
  }

  return (
    <section className="panel" aria-labelledby="outcomes-heading">
      <h2 id="outcomes-heading">{t('labs.outcomes.heading')}</h2>
      <OutcomeList outcomes={state.outcomes} format={format} />
      {canRecord && (
        <form className="form" noValidate onSubmit={(e) => void onSubmit(e)}>
          <div className="field">
            <label htmlFor="outcome-title">{t('labs.outcomes.title')}</label>
            <input
              id="outcome-title"
              value={title}
              maxLength={labLimits.outcomeTitleMax}
              onChange={(e) => setTitle(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="outcome-text">{t('labs.outcomes.text')}</label>
            <textarea
              id="outcome-text"
              value={text}
              maxLength={labLimits.outcomeTextMax}
              onChange={(e) => setText(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="outcome-review">{t('labs.outcomes.review')}</label>
            <input id="outcome-review" type="date" value={reviewOn} onChange={(e) => setReviewOn(e.target.value)} />
          </div>
          <button type="submit" className="button">
            {t('labs.outcomes.record')}
          </button>
          {error && (
            <p className="notice notice--error" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
    </section>
  );
}

/** /labs/:id/room — the live room: phase bar with countdown, chat, presence, queue, ideas, consensus, actions. */
export function LabRoomPage() {
  const { t } = useTranslation();
  const { labId = '' } = useParams();
  const { error } = useRoom(labId);
  const state = useLabRoom((s) => (s.labId === labId ? s.state : null));

  if (error)
    return (
      <Page title={error}>
        <p>
          <Link to={labPath(labId)}>{t('labs.room.back')}</Link>
        </p>
      </Page>
    );
  if (!state)
    return (
      <Page title={t('labs.room.joining')}>
        <Loading />
      </Page>
    );

  return (
    <Page title={t('labs.room.title', { title: state.lab.title })}>
      <p>
        <Link to={labPath(labId)}>{t('labs.room.back')}</Link>
      </p>
      <PhaseBar state={state} />
      <People state={state} />
      <div className="lab-room">
        <div className="lab-room__main">
          <Chat state={state} />
          <Ideas state={state} />
          <Consensus state={state} />
          <Actions state={state} />
          <Outcomes state={state} />
        </div>
        <div className="lab-room__side">
          {state.lab.canManage && <Controls state={state} />}
          <Queue state={state} />
        </div>
      </div>
    </Page>
  );
}
