import type { LabMemberRef, LabState } from '@commons/shared';
import { Hand } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/store';
import { Avatar } from '../../ui/Avatar';
import { labRoom } from '../store';
import { useCommand } from './command';

/**
 * Raise or lower one's hand; `inBar` is the phone's button, in the room's sticky bar: in reach over
 * every tab without covering any of them (a button floating over the chat hid its Send button).
 * Only members taking part in a live lab have one.
 */
export function RaiseHand({ state, inBar = false }: { state: LabState; inBar?: boolean }) {
  const { t } = useTranslation();
  const run = useCommand();
  const me = useAuth((s) => s.user?.id);
  if (state.phase.status !== 'live' || !state.takingPart) return null;
  const raised = state.queue.hands.some((h) => h.id === me);
  return (
    <button
      type="button"
      className={inBar ? 'button lab-hand lab-hand--bar' : 'button button--secondary lab-hand'}
      aria-pressed={raised}
      onClick={() => run(labRoom.getState().hand(!raised))}
    >
      <Hand aria-hidden="true" size={20} />
      {raised ? t('labs.room.lowerHand') : t('labs.room.raiseHand')}
    </button>
  );
}

/** Who speaks now and who waits; on wide screens the hand button sits here. */
export function Queue({ state, withHand }: { state: LabState; withHand: boolean }) {
  const { t } = useTranslation();
  const { queue } = state;
  return (
    <section className="panel" aria-labelledby="queue-heading">
      <h2 id="queue-heading">{t('labs.room.queue')}</h2>
      {queue.speaking && <p>{t('labs.room.speaking', { name: queue.speaking.displayName })}</p>}
      {queue.hands.length === 0 ? (
        <p className="meta">{t('labs.room.noHands')}</p>
      ) : (
        <ol>
          {queue.hands.map((h) => (
            <li key={h.id}>
              <span className="lab-person">
                <Avatar member={h} size="sm" />
                {h.displayName}
              </span>
            </li>
          ))}
        </ol>
      )}
      {withHand && <RaiseHand state={state} />}
    </section>
  );
}

/** Who is here; facilitators mute, remove, or hand the controls to a co-facilitator from this list. */
export function People({ state }: { state: LabState }) {
  const { t } = useTranslation();
  const run = useCommand();
  const me = useAuth((s) => s.user?.id);
  const { lab, phase } = state;
  const room = labRoom.getState();
  const facilitatorIds = new Set([lab.host.id, ...lab.facilitators.map((f) => f.id)]);
  const manage = lab.canManage && phase.status === 'live';
  const controls = (m: LabMemberRef) => {
    if (!manage || m.id === me) return null;
    if (facilitatorIds.has(m.id))
      return phase.lead?.id === m.id ? null : (
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => run(room.handOff(m.id))}
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
          onClick={() => run(room.mute(m.id, !muted))}
        >
          {t('labs.facilitation.mute', { name: m.displayName })}
        </button>
        <button type="button" className="button button--secondary button--small" onClick={() => run(room.remove(m.id))}>
          {t('labs.facilitation.remove', { name: m.displayName })}
        </button>
      </>
    );
  };
  return (
    <section className="panel" aria-labelledby="people-heading">
      <h2 id="people-heading">{t('labs.room.whoIsHere')}</h2>
      <ul className="lab-people">
        {state.participants.map((m) => (
          <li key={m.id}>
            <span className="lab-person">
              <Avatar member={m} size="sm" />
              {m.displayName}
              {phase.mutedIds.includes(m.id) && <span className="meta"> {t('labs.facilitation.muted')}</span>}
            </span>
            {controls(m)}
          </li>
        ))}
      </ul>
    </section>
  );
}
