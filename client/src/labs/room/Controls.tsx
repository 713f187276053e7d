import type { LabState } from '@commons/shared';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { labRoom } from '../store';
import { useCommand } from './command';

/** One of the board's on/off switches (ideas, voting, anonymous ideas), shown pressed when on. */
function BoardToggle({ label, pressed, onToggle }: { label: string; pressed: boolean; onToggle: () => void }) {
  return (
    <button type="button" className="button button--secondary" aria-pressed={pressed} onClick={onToggle}>
      {label}
    </button>
  );
}

/** "End the lab" asks first: ending cannot be undone and closes the room for everyone. */
function EndLab() {
  const { t } = useTranslation();
  const run = useCommand();
  const [asking, setAsking] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  // The question replaces the button: focus moves to its answer so keyboard users are not lost.
  useEffect(() => {
    if (asking) yes.current?.focus();
  }, [asking]);
  if (!asking)
    return (
      <button type="button" className="button button--secondary lab-end" onClick={() => setAsking(true)}>
        {t('labs.room.end')}
      </button>
    );
  return (
    <div className="lab-confirm" role="group" aria-labelledby="lab-end-question">
      <p id="lab-end-question">{t('labs.room.confirmEnd')}</p>
      <div className="lab-buttons">
        <button
          ref={yes}
          type="button"
          className="button lab-confirm__yes"
          onClick={() => run(labRoom.getState().end())}
        >
          {t('labs.room.confirmEndYes')}
        </button>
        <button type="button" className="button button--secondary" onClick={() => setAsking(false)}>
          {t('labs.room.confirmEndNo')}
        </button>
      </div>
    </div>
  );
}

export function Controls({ state }: { state: LabState }) {
  const { t } = useTranslation();
  const run = useCommand();
  const room = labRoom.getState();
  const [quiet, setQuiet] = useState<string[] | null>(null);
  const { phase } = state;
  return (
    <section className="panel" aria-labelledby="controls-heading">
      <h2 id="controls-heading">{t('labs.room.controls')}</h2>
      {phase.lead && <p className="meta">{t('labs.facilitation.lead', { name: phase.lead.displayName })}</p>}
      <div className="lab-buttons">
        {phase.status === 'scheduled' && (
          <button type="button" className="button" onClick={() => run(room.start())}>
            {t('labs.room.start')}
          </button>
        )}
        {phase.status === 'live' && (
          <>
            {phase.index < state.lab.agenda.length - 1 && (
              <button type="button" className="button" onClick={() => run(room.advance())}>
                {t('labs.room.advance')}
              </button>
            )}
            <button type="button" className="button button--secondary" onClick={() => run(room.extend(5))}>
              {t('labs.room.extend')}
            </button>
            <button
              type="button"
              className="button button--secondary"
              onClick={() => run(room.setChat(!phase.chatOpen))}
            >
              {phase.chatOpen ? t('labs.room.closeChat') : t('labs.room.openChat')}
            </button>
            {(phase.kind === 'ideas' || phase.kind === 'vote') && (
              <>
                {phase.kind === 'ideas' && (
                  <BoardToggle
                    label={t('labs.facilitation.ideasOpen')}
                    pressed={phase.ideasOpen}
                    onToggle={() => run(room.setBoard({ ideasOpen: !phase.ideasOpen }))}
                  />
                )}
                <BoardToggle
                  label={t('labs.facilitation.votingOpen')}
                  pressed={phase.votingOpen}
                  onToggle={() => run(room.setBoard({ votingOpen: !phase.votingOpen }))}
                />
                <BoardToggle
                  label={t('labs.facilitation.anonymousIdeas')}
                  pressed={phase.anonymousIdeas}
                  onToggle={() => run(room.setBoard({ anonymousIdeas: !phase.anonymousIdeas }))}
                />
              </>
            )}
            <button type="button" className="button button--secondary" onClick={() => run(room.callNext())}>
              {t('labs.room.callNext')}
            </button>
            <button
              type="button"
              className="button button--secondary"
              onClick={() =>
                void room.quiet().then((ack) => ack.ok && setQuiet(ack.data.members.map((m) => m.displayName)))
              }
            >
              {t('labs.room.quiet')}
            </button>
          </>
        )}
      </div>
      {phase.status === 'live' && <EndLab />}
      {quiet && (
        <p role="status">
          {quiet.length === 0 ? t('labs.room.quietNone') : `${t('labs.room.quiet')}: ${quiet.join(', ')}`}
        </p>
      )}
    </section>
  );
}
