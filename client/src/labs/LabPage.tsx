import { rsvpChoices, threadPath, type Lab, type RsvpChoice } from '@commons/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isApiError } from '../api';
import { announce } from '../app/LiveAnnouncer';
import { isNotFound, useLoad } from '../ui/load';
import { ErrorSummary } from '../ui/ErrorSummary';
import { TextField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { Page } from '../ui/Page';
import { calendarUrl, cancelLab, fetchLab, roomPath, rsvp, updateLab } from './api';
import './labs.css';
import { Invitations, LabFollowUp, LabSettings } from './LabManage';
import { isoToZoned, useTimeZone, useZoneLabel, zonedToIso } from '../i18n/format';
import { StatusBadge, When } from './ui';

function Rsvp({ lab, onChange }: { lab: Lab; onChange: (lab: Lab) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const open = lab.status === 'scheduled' || lab.status === 'live';

  async function choose(choice: RsvpChoice): Promise<void> {
    setError(null);
    try {
      const updated = await rsvp(lab.id, choice);
      onChange(updated);
      announce(
        updated.myRsvp === 'waitlisted'
          ? t('labs.rsvp.waitlisted', { position: updated.myWaitlistPosition ?? '' })
          : t('labs.rsvp.saved'),
      );
    } catch (err) {
      setError(t(`errors.${isApiError(err) ? err.code : 'internal'}`));
    }
  }

  if (!open) return null;
  return (
    <section className="panel" aria-labelledby="rsvp-heading">
      <h2 id="rsvp-heading">{t('labs.rsvp.legend')}</h2>
      {lab.myRsvp === 'waitlisted' && (
        <p className="notice">{t('labs.rsvp.waitlisted', { position: lab.myWaitlistPosition ?? '' })}</p>
      )}
      <div className="tab-buttons" role="group" aria-labelledby="rsvp-heading">
        {rsvpChoices.map((choice) => (
          <button
            key={choice}
            type="button"
            aria-pressed={lab.myRsvp === choice || (choice === 'going' && lab.myRsvp === 'waitlisted')}
            onClick={() => void choose(choice)}
          >
            {t(`labs.rsvp.${choice}`)}
          </button>
        ))}
      </div>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** Facilitators move a scheduled lab; reminders move with it on the server. */
function Reschedule({ lab, onChange }: { lab: Lab; onChange: (lab: Lab) => void }) {
  const { t } = useTranslation();
  // Read and written on the member's clock, the zone the page shows the lab's start in.
  const timeZone = useTimeZone();
  const zoneLabel = useZoneLabel();
  const [startsAt, setStartsAt] = useState(() => isoToZoned(lab.startsAt, timeZone));
  const { errors, submitting, submit } = useFormSubmit(t);

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void submit({
      validate: () => ({
        startsAt: zonedToIso(startsAt, timeZone) ? undefined : t('errors.validation_failed'),
      }),
      action: async () => {
        onChange(await updateLab(lab.id, { startsAt: zonedToIso(startsAt, timeZone)! }));
        announce(t('labs.detail.rescheduled'));
      },
    });
  }

  return (
    <section className="panel" aria-labelledby="reschedule-heading">
      <h2 id="reschedule-heading">{t('labs.detail.reschedule')}</h2>
      <ErrorSummary items={errors.summary} />
      <form className="form" noValidate onSubmit={onSubmit}>
        <TextField
          id="startsAt"
          type="datetime-local"
          label={t('labs.form.startsAt', { zone: zoneLabel })}
          error={errors.fields.startsAt}
          value={startsAt}
          onChange={(e) => setStartsAt(e.target.value)}
        />
        <button type="submit" className="button" aria-disabled={submitting}>
          {submitting ? t('common.saving') : t('labs.detail.reschedule')}
        </button>
      </form>
    </section>
  );
}

/** /labs/:id — a lab's purpose, agenda, RSVP, calendar file and the way into its room. */
export function LabPage() {
  const { t } = useTranslation();
  const { labId = '' } = useParams();
  const [lab, setLab] = useState<Lab | null>(null);
  const state = useLoad(labId, async (signal) => setLab(await fetchLab(labId, signal)));

  async function onCancel(): Promise<void> {
    if (!lab) return;
    try {
      setLab(await cancelLab(lab.id));
      announce(t('labs.detail.cancelled'));
    } catch (err) {
      announce(t(`errors.${isApiError(err) ? err.code : 'internal'}`));
    }
  }

  if (state.status === 'loading') return <Page title={t('common.loading')} />;
  if (state.status === 'failed' || !lab) {
    const code = state.status === 'failed' ? state.code : 'internal';
    return (
      <Page title={t(isNotFound(code) ? 'errors.not_found' : `errors.${code}`)}>
        <p>
          <Link to="/labs">{t('labs.list.title')}</Link>
        </p>
      </Page>
    );
  }

  return (
    <Page title={lab.title}>
      <p className="meta">
        <StatusBadge lab={lab} /> <When iso={lab.startsAt} />
        {' · '}
        {t('labs.detail.minutes', { count: lab.durationMinutes })}
        {' · '}
        {t(`labs.visibility.${lab.visibility}`)}
      </p>
      <p className="prose lab-purpose">{lab.purpose}</p>
      <p className="meta">
        {t('labs.detail.host', { name: lab.host.displayName })}
        {lab.facilitators.length > 0 && (
          <>
            {' · '}
            {t('labs.detail.facilitators')}: {lab.facilitators.map((f) => f.displayName).join(', ')}
          </>
        )}
      </p>
      <p className="actions">
        {lab.roomOpen ? (
          <Link className="button" to={roomPath(lab.id)}>
            {t('labs.detail.enter')}
          </Link>
        ) : (
          lab.status === 'scheduled' && <span className="meta">{t('labs.detail.roomOpensAt')}</span>
        )}
        <a className="button button--secondary" href={calendarUrl(lab.id)} download>
          {t('labs.detail.calendar')}
        </a>
        {lab.summaryThreadId && (
          <Link className="button button--secondary" to={threadPath(lab.summaryThreadId)}>
            {t('labs.detail.summary')}
          </Link>
        )}
      </p>
      <Rsvp lab={lab} onChange={setLab} />
      <section aria-labelledby="agenda-heading">
        <h2 id="agenda-heading">{t('labs.detail.agenda')}</h2>
        <ol className="lab-agenda-list">
          {lab.agenda.map((item, i) => (
            <li key={i}>
              {item.title}{' '}
              <span className="meta">
                ({t(`labs.kinds.${item.kind}`)}, {t('labs.detail.minutes', { count: item.minutes })})
              </span>
            </li>
          ))}
        </ol>
      </section>
      <LabFollowUp lab={lab} />
      {lab.canManage && lab.status === 'scheduled' && <Reschedule lab={lab} onChange={setLab} />}
      {lab.canManage && lab.status === 'scheduled' && <LabSettings lab={lab} onChange={setLab} />}
      {lab.canManage && lab.visibility === 'invite' && (lab.status === 'scheduled' || lab.status === 'live') && (
        <Invitations lab={lab} />
      )}
      {lab.canManage && lab.status === 'scheduled' && (
        <p>
          <button type="button" className="button button--secondary" onClick={() => void onCancel()}>
            {t('labs.detail.cancel')}
          </button>
        </p>
      )}
    </Page>
  );
}
