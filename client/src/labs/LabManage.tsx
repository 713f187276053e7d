import {
  actionStatuses,
  type ActionItem,
  type ActionStatus,
  type Lab,
  type LabMemberRef,
  type LabOutcome,
} from '@commons/shared';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api';
import { announce } from '../app/LiveAnnouncer';
import { useFormatDate } from '../i18n/format';
import { SelectField, TextField } from '../ui/fields';
import { fetchActions, fetchOutcomes, inviteMembers, updateAction, updateLab } from './api';
import { MemberPicker } from './MemberPicker';
import { CategorySelect } from './NewLabPage';

function useErrorText() {
  const { t } = useTranslation();
  return (err: unknown) => t(`errors.${isApiError(err) ? err.code : 'internal'}`);
}

/** Facilitators of a scheduled lab choose its co-facilitators and the forum category of its summary. */
export function LabSettings({ lab, onChange }: { lab: Lab; onChange: (lab: Lab) => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [facilitators, setFacilitators] = useState<LabMemberRef[]>(lab.facilitators);
  const [categoryId, setCategoryId] = useState(lab.summaryCategoryId ?? '');
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    try {
      onChange(
        await updateLab(lab.id, {
          facilitatorIds: facilitators.map((f) => f.id),
          summaryCategoryId: categoryId || null,
        }),
      );
      setError(null);
      announce(t('labs.settings.saved'));
    } catch (err) {
      setError(errorText(err));
    }
  }

  return (
    <section className="panel" aria-labelledby="settings-heading">
      <h2 id="settings-heading">{t('labs.settings.heading')}</h2>
      <form className="form" noValidate onSubmit={(e) => void onSubmit(e)}>
        <MemberPicker
          id="lab-facilitators"
          label={t('labs.settings.facilitators')}
          chosen={facilitators}
          onChange={setFacilitators}
          exclude={[lab.host.id]}
        />
        <CategorySelect value={categoryId} onChange={setCategoryId} coalitionId={lab.coalitionId ?? ''} />
        <button type="submit" className="button">
          {t('labs.settings.save')}
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

/** Facilitators of an invite-only lab invite members (they can then see it and RSVP). */
export function Invitations({ lab }: { lab: Lab }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [chosen, setChosen] = useState<LabMemberRef[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (chosen.length === 0) {
      setError(t('labs.invite.pickSomeone'));
      return;
    }
    try {
      const invited = await inviteMembers(
        lab.id,
        chosen.map((m) => m.id),
      );
      const message = t('labs.invite.sent', { count: invited.length });
      setStatus(message);
      setError(null);
      setChosen([]);
      announce(message);
    } catch (err) {
      setError(errorText(err));
    }
  }

  return (
    <section className="panel" aria-labelledby="invite-heading">
      <h2 id="invite-heading">{t('labs.invite.heading')}</h2>
      <form className="form" noValidate onSubmit={(e) => void onSubmit(e)}>
        <MemberPicker
          id="lab-invitees"
          label={t('labs.invite.who')}
          chosen={chosen}
          onChange={setChosen}
          exclude={[lab.host.id, ...lab.facilitators.map((f) => f.id)]}
        />
        <button type="submit" className="button">
          {t('labs.invite.send')}
        </button>
        {status && <p className="notice">{status}</p>}
        {error && (
          <p className="notice notice--error" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}

/** One action item with its owner, due date and status, editable (the server decides who may). */
function ActionEditor({
  labId,
  action,
  onSaved,
}: {
  labId: string;
  action: ActionItem;
  onSaved: (a: ActionItem) => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [owner, setOwner] = useState<LabMemberRef[]>(action.owner ? [action.owner] : []);
  const [dueDate, setDueDate] = useState(action.dueDate ?? '');
  const [status, setStatus] = useState<ActionStatus>(action.status);
  const [error, setError] = useState<string | null>(null);
  const key = `action-${action.id}`;

  async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    try {
      onSaved(
        await updateAction(labId, action.id, { ownerId: owner[0]?.id ?? null, dueDate: dueDate || null, status }),
      );
      setError(null);
      announce(t('labs.actionsEdit.saved', { title: action.title }));
    } catch (err) {
      setError(errorText(err));
    }
  }

  return (
    <li className="lab-action-edit">
      <form className="form" noValidate onSubmit={(e) => void onSubmit(e)} aria-label={action.title}>
        <p>
          <strong>{action.title}</strong>
        </p>
        <MemberPicker
          id={`${key}-owner`}
          label={t('labs.actionsEdit.owner', { title: action.title })}
          chosen={owner}
          onChange={setOwner}
          single
        />
        <TextField
          id={`${key}-due`}
          type="date"
          label={t('labs.actionsEdit.due', { title: action.title })}
          value={dueDate}
          onChange={(e) => setDueDate(e.target.value)}
        />
        <SelectField
          id={`${key}-status`}
          label={t('labs.actionsEdit.status', { title: action.title })}
          value={status}
          onChange={(e) => setStatus(e.target.value as ActionStatus)}
        >
          {actionStatuses.map((s) => (
            <option key={s} value={s}>
              {t(`labs.room.actionStatus.${s}`)}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button">
          {t('labs.actionsEdit.save', { title: action.title })}
        </button>
        {error && (
          <p className="notice notice--error" role="alert">
            {error}
          </p>
        )}
      </form>
    </li>
  );
}

/** The lab's action items, editable during and after the lab; and the outcomes it recorded. */
export function LabFollowUp({ lab }: { lab: Lab }) {
  const { t } = useTranslation();
  const format = useFormatDate();
  const [actions, setActions] = useState<ActionItem[] | null>(null);
  const [outcomes, setOutcomes] = useState<LabOutcome[]>([]);

  useEffect(() => {
    const abort = new AbortController();
    fetchActions(lab.id, abort.signal).then(setActions, () => setActions([]));
    fetchOutcomes(lab.id, abort.signal).then(setOutcomes, () => undefined);
    return () => abort.abort();
  }, [lab.id]);

  if (lab.status === 'scheduled' || lab.status === 'cancelled') return null;
  return (
    <>
      <section className="panel" aria-labelledby="followup-actions-heading">
        <h2 id="followup-actions-heading">{t('labs.room.actions')}</h2>
        {actions && actions.length === 0 && <p className="meta">{t('labs.summary.none')}</p>}
        <ul className="lab-actions">
          {actions?.map((a) => (
            <ActionEditor
              key={a.id}
              labId={lab.id}
              action={a}
              onSaved={(saved) => setActions((list) => list?.map((x) => (x.id === saved.id ? saved : x)) ?? null)}
            />
          ))}
        </ul>
      </section>
      <section className="panel" aria-labelledby="followup-outcomes-heading">
        <h2 id="followup-outcomes-heading">{t('labs.outcomes.heading')}</h2>
        {outcomes.length === 0 ? (
          <p className="meta">{t('labs.summary.none')}</p>
        ) : (
          <OutcomeList outcomes={outcomes} format={format} />
        )}
      </section>
    </>
  );
}

export function OutcomeList({
  outcomes,
  format,
}: {
  outcomes: LabOutcome[];
  format: ReturnType<typeof useFormatDate>;
}) {
  const { t } = useTranslation();
  return (
    <ul className="lab-outcomes">
      {outcomes.map((o) => (
        <li key={o.id}>
          <strong>{o.title}</strong>
          {o.text && <p>{o.text}</p>}
          {o.reviewAt && (
            <p className="meta">
              {t('labs.outcomes.reviewOn')}{' '}
              <time dateTime={o.reviewAt}>{format(o.reviewAt, { dateStyle: 'long' })}</time>
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
