import { labLimits, type LabState } from '@commons/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api';
import { announce } from '../../app/LiveAnnouncer';
import { useFormatDate } from '../../i18n/format';
import { createAction, createOutcome, updateAction } from '../api';
import { OutcomeList } from '../LabManage';
import { labRoom } from '../store';

/** Action items of the lab; members taking part add them and tick them off. */
export function Actions({ state }: { state: LabState }) {
  const { t } = useTranslation();
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const labId = state.lab.id;

  async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!title.trim()) return;
    try {
      const action = await createAction(labId, { title: title.trim(), ownerId: null, dueDate: null, status: 'open' });
      labRoom.getState().action(action);
      setTitle('');
      setError(null);
    } catch (err) {
      setError(t(`errors.${isApiError(err) ? err.code : 'internal'}`));
    }
  }

  async function toggle(actionId: string, done: boolean): Promise<void> {
    try {
      labRoom.getState().action(await updateAction(labId, actionId, { status: done ? 'done' : 'open' }));
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
      {state.takingPart && (
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
      )}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** Decisions recorded in the lab; facilitators record one with an optional review date. */
export function Outcomes({ state }: { state: LabState }) {
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
      labRoom.getState().outcome(outcome);
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
