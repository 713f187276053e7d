import { consensusChoices, labLimits, type ConsensusChoice, type ConsensusTally, type LabState } from '@commons/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { memberName } from '../../members/names';
import { announce } from '../../app/LiveAnnouncer';
import { labRoom } from '../store';
import { useCommand } from './command';

type SetPayload = Parameters<ReturnType<typeof labRoom.getState>['setConsensus']>[0];

/** The proposal a check decides on, as a card: the phase's title and the facilitators' text. */
function ProposalCard({ title, proposal }: { title: string; proposal: string }) {
  const { t } = useTranslation();
  return (
    <div className="lab-proposal" role="note" aria-label={t('labs.room.proposal')}>
      <h3>{title}</h3>
      {proposal && <p>{proposal}</p>}
    </div>
  );
}

/** Outcome, counts, quorum and (when not anonymous) who answered what, of one check. */
function Tally({ tally }: { tally: ConsensusTally }) {
  const { t } = useTranslation();
  const masked = tally.hidden && !tally.closed;
  return (
    <>
      <p className="lab-tally">
        <strong>{t(`labs.room.outcome.${tally.outcome}`)}</strong>{' '}
        {!masked && consensusChoices.map((c) => `${t(`labs.room.choices.${c}`)} ${tally.counts[c]}`).join(' · ')}
      </p>
      <p className="meta">
        {t('labs.consensusSet.answered', { count: tally.total })}
        {tally.quorum !== null && <> {t('labs.consensusSet.quorumLine', { quorum: tally.quorum })}</>}
        {tally.closed && <> {t('labs.consensusSet.closedNote')}</>}
      </p>
      {tally.voters.length > 0 && (
        <>
          <h4>{t('labs.consensusSet.voters')}</h4>
          <ul>
            {tally.voters.map((v) => (
              <li key={v.member.id}>
                {memberName(t, v.member)}: {t(`labs.room.choices.${v.choice}`)}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

/** The facilitators' settings of the current check: proposal, anonymity, hidden results, quorum, close. */
function CheckSettings({ tally }: { tally: ConsensusTally | null }) {
  const { t } = useTranslation();
  const run = useCommand();
  const [proposal, setProposal] = useState(tally?.proposal ?? '');
  const [quorum, setQuorum] = useState('');
  // Before anyone answered there may be no tally yet: the defaults apply.
  const anonymous = tally?.anonymous ?? true;
  const hidden = tally?.hidden ?? false;
  const closed = tally?.closed ?? false;
  const answered = (tally?.total ?? 0) > 0;
  const setting = (change: SetPayload) => run(labRoom.getState().setConsensus(change));
  return (
    <div className="lab-consensus-settings">
      {!answered && (
        <div className="field">
          <label htmlFor="consensus-proposal">{t('labs.consensusSet.proposal')}</label>
          <textarea
            id="consensus-proposal"
            rows={3}
            value={proposal}
            maxLength={labLimits.proposalMax}
            onChange={(e) => setProposal(e.target.value)}
          />
          <button type="button" className="button button--secondary" onClick={() => setting({ proposal })}>
            {t('labs.consensusSet.saveProposal')}
          </button>
        </div>
      )}
      {answered && <p className="meta">{t('labs.consensusSet.fixed')}</p>}
      <div className="lab-buttons">
        <button
          type="button"
          className="button button--secondary"
          aria-pressed={anonymous}
          aria-disabled={answered}
          onClick={() => !answered && setting({ anonymous: !anonymous })}
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
      </div>
      <div className="lab-quorum">
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
  );
}

/** A participant's answer: nothing chosen to start with; a block needs a reason, said at the field. */
function AnswerForm({ mine }: { mine: ConsensusChoice | null }) {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<ConsensusChoice | null>(null);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ choice?: string; reason?: string; form?: string }>({});

  async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!choice) return setErrors({ choice: t('labs.room.pickChoice') });
    if (choice === 'block' && !reason.trim()) {
      setErrors({ reason: t('labs.room.reasonNeeded') });
      document.getElementById('consensus-reason')?.focus();
      return;
    }
    const ack = await labRoom.getState().vote(choice, reason.trim());
    if (!ack.ok) return setErrors({ form: t(`errors.${ack.error.code}`) });
    setErrors({});
    announce(t(`labs.room.outcome.${ack.data.outcome}`));
  }

  return (
    <form className="form" noValidate onSubmit={(e) => void onSubmit(e)}>
      {mine && <p className="meta">{t('labs.room.yourAnswer', { choice: t(`labs.room.choices.${mine}`) })}</p>}
      <fieldset aria-describedby={errors.choice ? 'consensus-choice-error' : undefined}>
        <legend>{t('labs.room.consensus')}</legend>
        {errors.choice && (
          <p id="consensus-choice-error" className="field__error">
            {errors.choice}
          </p>
        )}
        {consensusChoices.map((c) => (
          <div key={c} className="lab-check">
            <input
              id={`consensus-${c}`}
              type="radio"
              name="consensus"
              value={c}
              checked={choice === c}
              onChange={() => {
                setChoice(c);
                setErrors({});
              }}
            />
            <label htmlFor={`consensus-${c}`}>{t(`labs.room.choices.${c}`)}</label>
          </div>
        ))}
      </fieldset>
      <div className={errors.reason ? 'field field--error' : 'field'}>
        <label htmlFor="consensus-reason">{t('labs.room.reason')}</label>
        {errors.reason && (
          <p id="consensus-reason-error" className="field__error">
            {errors.reason}
          </p>
        )}
        <input
          id="consensus-reason"
          value={reason}
          maxLength={labLimits.reasonMax}
          aria-invalid={errors.reason ? true : undefined}
          aria-describedby={errors.reason ? 'consensus-reason-error' : undefined}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      <button type="submit" className="button">
        {t('labs.room.vote')}
      </button>
      {errors.form && (
        <p className="notice notice--error" role="alert">
          {errors.form}
        </p>
      )}
    </form>
  );
}

/** The current consensus check: its proposal, results, the facilitators' settings, and the answer form. */
export function Consensus({ state }: { state: LabState }) {
  const { t } = useTranslation();
  if (state.phase.status !== 'live' || state.phase.kind !== 'consensus') return null;
  const tally = state.consensus;
  const open = !(tally?.closed ?? false);
  return (
    <section className="panel" aria-labelledby="consensus-heading">
      <h2 id="consensus-heading">{t('labs.room.consensus')}</h2>
      <ProposalCard title={state.phase.title ?? ''} proposal={tally?.proposal ?? ''} />
      {tally && <Tally tally={tally} />}
      {state.lab.canManage && (
        <CheckSettings key={`${state.phase.index}-${tally?.total ? 'fixed' : 'open'}`} tally={tally} />
      )}
      {open && state.takingPart && <AnswerForm key={state.phase.index} mine={state.myConsensus} />}
    </section>
  );
}

/** The results of every earlier check (and, after the lab, of all of them), each by its own settings. */
export function CheckResults({ state }: { state: LabState }) {
  const { t } = useTranslation();
  const current = state.phase.status === 'live' && state.phase.kind === 'consensus' ? state.phase.index : null;
  const done = state.checks.filter((c) => c.phaseIndex !== current);
  if (done.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="checks-heading">
      <h2 id="checks-heading">{t('labs.room.checks')}</h2>
      <ul className="lab-checks">
        {done.map((c) => (
          <li key={c.phaseIndex}>
            <ProposalCard title={c.title} proposal={c.proposal} />
            <Tally tally={c} />
          </li>
        ))}
      </ul>
    </section>
  );
}
