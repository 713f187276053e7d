import { labLimits, type LabIdea, type LabState } from '@commons/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { memberName } from '../../members/names';
import { announce } from '../../app/LiveAnnouncer';
import { useAuth } from '../../auth/store';
import { PublishingGate } from '../../moderation/PublishingGate';
import { labRoom } from '../store';
import { useCommand } from './command';

/** Facilitators merge an idea into another or put it in a group. */
function IdeaTools({ idea, others }: { idea: LabIdea; others: LabIdea[] }) {
  const { t } = useTranslation();
  const run = useCommand();
  const [into, setInto] = useState('');
  const [group, setGroup] = useState(idea.group ?? '');
  const key = `idea-${idea.id}`;
  const room = labRoom.getState();
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
              run(
                room.mergeIdea(idea.id, into).then((ack) => {
                  if (ack.ok) announce(t('labs.ideaTools.merged', { text: idea.text }));
                  return ack;
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
          onClick={() => run(room.groupIdea(idea.id, group.trim() || null))}
        >
          {t('labs.ideaTools.saveGroup')}
        </button>
      </div>
    </details>
  );
}

function IdeaForm({ anonymousAllowed }: { anonymousAllowed: boolean }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [anonymous, setAnonymous] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!text.trim()) return;
    const ack = await labRoom.getState().addIdea(text, anonymous);
    if (ack.ok) setText('');
    else announce(t(`errors.${ack.error.code}`));
  }

  return (
    <PublishingGate>
      <form className="form" onSubmit={(e) => void onSubmit(e)}>
        <div className="field">
          <label htmlFor="lab-idea">{t('labs.room.idea')}</label>
          <input id="lab-idea" value={text} maxLength={labLimits.ideaMax} onChange={(e) => setText(e.target.value)} />
        </div>
        {anonymousAllowed && (
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
    </PublishingGate>
  );
}

/** The idea board: ideas by group and dots, dot voting, the facilitators' tools, and the idea form. */
export function Ideas({ state }: { state: LabState }) {
  const { t } = useTranslation();
  const run = useCommand();
  const me = useAuth((s) => s.user?.id);
  const kind = state.phase.status === 'live' ? state.phase.kind : null;
  if (kind !== 'ideas' && kind !== 'vote' && state.ideas.length === 0) return null;

  const canDot = (kind === 'ideas' || kind === 'vote') && state.phase.votingOpen && state.takingPart;
  const organise = state.lab.canManage && (kind === 'ideas' || kind === 'vote');
  const muted = Boolean(me && state.phase.mutedIds.includes(me));
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
              <span className="meta">{idea.author ? memberName(t, idea.author) : t('labs.room.anonymousAuthor')}</span>
            </span>
            <span className="badge">{t('labs.room.dots', { count: idea.dots })}</span>
            {canDot && (
              <button
                type="button"
                className="button button--secondary button--small"
                aria-pressed={idea.mine}
                // The visible words start the name (WCAG 2.5.3); the name adds which idea.
                aria-label={
                  idea.mine ? t('labs.room.undot', { text: idea.text }) : t('labs.room.dot', { text: idea.text })
                }
                onClick={() => run(labRoom.getState().dot(idea.id, !idea.mine))}
              >
                {idea.mine ? t('labs.room.undotShort') : t('labs.room.dotShort')}
              </button>
            )}
            {organise && <IdeaTools idea={idea} others={board.filter((i) => i.id !== idea.id)} />}
          </li>
        ))}
      </ul>
      {kind === 'ideas' && !state.phase.ideasOpen && <p className="meta">{t('labs.facilitation.ideasClosed')}</p>}
      {(kind === 'ideas' || kind === 'vote') && !state.phase.votingOpen && (
        <p className="meta">{t('labs.facilitation.votingClosed')}</p>
      )}
      {kind === 'ideas' && state.phase.ideasOpen && state.takingPart && !muted && (
        <IdeaForm anonymousAllowed={state.phase.anonymousIdeas} />
      )}
    </section>
  );
}
