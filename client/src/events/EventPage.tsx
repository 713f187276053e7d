import { rsvpChoices, type HubEvent, type RsvpChoice } from '@commons/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isApiError } from '../api';
import { announce } from '../app/LiveAnnouncer';
import { useAuth } from '../auth/store';
import { isNotFound, useLoad } from '../ui/load';
import { AuthorLink } from '../forums/ui';
import { useFormatDate, useTimeZone } from '../i18n/format';
import { Page } from '../ui/Page';
import { cancelEvent, editEventPath, eventCalendarUrl, fetchEvent, rsvpEvent } from './api';
import './events.css';
import { TypeBadge, When } from './ui';

function Rsvp({ event, onChange }: { event: HubEvent; onChange: (event: HubEvent) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function choose(choice: RsvpChoice): Promise<void> {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const updated = await rsvpEvent(event.id, choice);
      onChange(updated);
      announce(
        updated.myRsvp === 'waitlisted'
          ? t('events.rsvp.waitlisted', { position: updated.myWaitlistPosition ?? '' })
          : t('events.rsvp.saved'),
      );
    } catch (err) {
      setError(t(`errors.${isApiError(err) ? err.code : 'internal'}`));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="rsvp-heading">
      <h2 id="rsvp-heading">{t('events.rsvp.legend')}</h2>
      {event.myRsvp === 'waitlisted' && (
        <p className="notice">{t('events.rsvp.waitlisted', { position: event.myWaitlistPosition ?? '' })}</p>
      )}
      <div className="tab-buttons" role="group" aria-labelledby="rsvp-heading">
        {rsvpChoices.map((choice) => (
          <button
            key={choice}
            type="button"
            aria-disabled={busy}
            aria-pressed={event.myRsvp === choice || (choice === 'going' && event.myRsvp === 'waitlisted')}
            onClick={() => void choose(choice)}
          >
            {t(`events.rsvp.${choice}`)}
          </button>
        ))}
      </div>
      <p className="meta">{t('events.rsvp.reminders')}</p>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** /events/:id — a webinar or meeting: when and where, its description, RSVP and calendar file. */
export function EventPage() {
  const { t } = useTranslation();
  // A visitor of the public face reads the event; answering needs an account (the page's call to join).
  const signedIn = useAuth((s) => s.status === 'signedIn');
  const format = useFormatDate();
  const myZone = useTimeZone();
  const { id = '' } = useParams();
  const [event, setEvent] = useState<HubEvent | null>(null);
  const [confirming, setConfirming] = useState(false);
  const state = useLoad(id, async (signal) => setEvent(await fetchEvent(id, signal)));

  if (state.status === 'loading' || (state.status === 'loaded' && event?.id !== id))
    return <Page title={t('common.loading')} />;
  if (state.status === 'failed' || !event) {
    const code = state.status === 'failed' ? state.code : 'internal';
    return (
      <Page title={t(isNotFound(code) ? 'events.detail.notFound' : `errors.${code}`)}>
        <p>
          <Link to="/events">{t('events.list.title')}</Link>
        </p>
      </Page>
    );
  }
  const e = event;

  async function onCancel(): Promise<void> {
    try {
      setEvent(await cancelEvent(e.id));
      setConfirming(false);
      announce(t('events.detail.cancelledNow'));
    } catch (err) {
      announce(t(`errors.${isApiError(err) ? err.code : 'internal'}`));
    }
  }

  const inOrganiserZone = myZone !== e.timeZone;
  const open = e.status === 'scheduled' && !e.past;

  return (
    <Page title={e.title}>
      <p className="meta">
        <TypeBadge item={{ type: 'event', kind: e.kind }} />{' '}
        {e.status === 'cancelled' && <span className="badge">{t('events.status.cancelled')}</span>}
        {e.past && e.status !== 'cancelled' && <span className="badge badge--muted">{t('events.status.past')}</span>}
      </p>
      <dl className="event-facts">
        <dt>{t('events.detail.when')}</dt>
        <dd>
          <When iso={e.startsAt} /> – {t('events.detail.minutes', { count: e.durationMinutes })}
          {inOrganiserZone && (
            <span className="meta">
              {' '}
              {t('events.detail.inZone', {
                time: format(e.startsAt, { dateStyle: 'medium', timeStyle: 'short', timeZone: e.timeZone }),
                zone: e.timeZone,
              })}
            </span>
          )}
        </dd>
        {e.place && (
          <>
            <dt>{t('events.detail.place')}</dt>
            <dd>{e.place}</dd>
          </>
        )}
        {e.onlineUrl && (
          <>
            <dt>{t('events.detail.online')}</dt>
            <dd>
              <a href={e.onlineUrl} rel="noopener noreferrer nofollow" target="_blank">
                {t('events.detail.join')}
              </a>
            </dd>
          </>
        )}
        <dt>{t('events.detail.organiser')}</dt>
        <dd>
          <AuthorLink member={e.organiser} />
        </dd>
        <dt>{t('events.detail.attendance')}</dt>
        <dd>
          {e.capacity === null
            ? t('events.list.going', { count: e.goingCount })
            : t('events.list.seats', { count: e.goingCount, capacity: e.capacity })}
          {e.waitlistCount > 0 && <> · {t('events.detail.waitlist', { count: e.waitlistCount })}</>}
          {e.maybeCount > 0 && <> · {t('events.detail.maybe', { count: e.maybeCount })}</>}
        </dd>
      </dl>
      <p className="actions">
        <a className="button button--secondary" href={eventCalendarUrl(e.id)} download>
          {t('events.detail.calendar')}
        </a>
        {e.canManage && open && (
          <Link className="button button--secondary" to={editEventPath(e.id)}>
            {t('events.detail.edit')}
          </Link>
        )}
      </p>
      {/* descriptionHtml is rendered from Markdown and sanitized on the server. */}
      <div className="prose" dangerouslySetInnerHTML={{ __html: e.descriptionHtml }} />
      {open && signedIn && <Rsvp event={e} onChange={setEvent} />}
      {e.canManage && open && (
        <section className="panel" aria-labelledby="cancel-heading">
          <h2 id="cancel-heading">{t('events.detail.cancel')}</h2>
          {confirming ? (
            <>
              <p>{t('events.detail.cancelConfirm')}</p>
              <p className="actions">
                <button type="button" className="button" onClick={() => void onCancel()}>
                  {t('events.detail.cancelYes')}
                </button>
                <button type="button" className="button button--secondary" onClick={() => setConfirming(false)}>
                  {t('events.detail.cancelNo')}
                </button>
              </p>
            </>
          ) : (
            <button type="button" className="button button--secondary" onClick={() => setConfirming(true)}>
              {t('events.detail.cancel')}
            </button>
          )}
        </section>
      )}
    </Page>
  );
}
