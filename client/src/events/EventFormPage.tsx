import { eventKinds, eventLimits, isTimeZone, type EventKind, type HubEvent } from '@commons/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { isoToZoned, useTimeZone, zonedToIso } from '../i18n/format';
import { isNotFound, useLoad } from '../ui/load';
import { ErrorSummary } from '../ui/ErrorSummary';
import { SelectField, TextAreaField, TextField } from '../ui/fields';
import { useFormSubmit, type FieldMessages } from '../ui/form';
import { Page } from '../ui/Page';
import { createEvent, eventPath, fetchEvent, updateEvent } from './api';
import './events.css';

const validZone = isTimeZone;

function EventForm({ event }: { event: HubEvent | null }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const myZone = useTimeZone();
  const [title, setTitle] = useState(event?.title ?? '');
  const [description, setDescription] = useState(event?.description ?? '');
  const [kind, setKind] = useState<EventKind>(event?.kind ?? 'webinar');
  const [timeZone, setTimeZone] = useState(event?.timeZone ?? myZone);
  const [startsAt, setStartsAt] = useState(event ? isoToZoned(event.startsAt, event.timeZone) : '');
  const [duration, setDuration] = useState(String(event?.durationMinutes ?? 60));
  const [onlineUrl, setOnlineUrl] = useState(event?.onlineUrl ?? '');
  const [place, setPlace] = useState(event?.place ?? '');
  const [capacity, setCapacity] = useState(event?.capacity ? String(event.capacity) : '');
  const { errors, submitting, submit } = useFormSubmit(t);

  function validate(): FieldMessages {
    const fields: FieldMessages = {};
    if (title.trim().length < eventLimits.titleMin || title.trim().length > eventLimits.titleMax)
      fields.title = t('events.form.errors.title');
    if (!description.trim()) fields.description = t('events.form.errors.description');
    if (!validZone(timeZone)) fields.timeZone = t('events.form.errors.timeZone');
    const start = validZone(timeZone) ? zonedToIso(startsAt, timeZone) : null;
    if (!start || new Date(start).getTime() <= Date.now()) fields.startsAt = t('events.form.errors.startsAt');
    const minutes = Number(duration);
    if (!Number.isInteger(minutes) || minutes < eventLimits.durationMin || minutes > eventLimits.durationMax)
      fields.durationMinutes = t('events.form.errors.duration', {
        min: eventLimits.durationMin,
        max: eventLimits.durationMax,
      });
    if (onlineUrl.trim() && !/^https?:\/\/\S+$/i.test(onlineUrl.trim()))
      fields.onlineUrl = t('events.form.errors.onlineUrl');
    if (!onlineUrl.trim() && !place.trim()) fields.place = t('events.form.errors.where');
    else if (place.trim() && place.trim().length < 2) fields.place = t('events.form.errors.where');
    if (capacity && !(Number.isInteger(Number(capacity)) && Number(capacity) >= 1))
      fields.capacity = t('events.form.errors.capacity');
    return fields;
  }

  function onSubmit(e: FormEvent<HTMLFormElement>): void {
    e.preventDefault();
    void submit({
      validate,
      action: async () => {
        const body = {
          title: title.trim(),
          description,
          kind,
          timeZone,
          durationMinutes: Number(duration),
          onlineUrl: onlineUrl.trim() || null,
          place: place.trim() || null,
          capacity: capacity ? Number(capacity) : null,
        };
        const start = zonedToIso(startsAt, timeZone)!;
        let saved: HubEvent;
        if (event) {
          const moved = start !== new Date(event.startsAt).toISOString();
          saved = await updateEvent(event.id, { ...body, ...(moved ? { startsAt: start } : {}) });
          announce(t('events.form.saved'));
        } else {
          saved = await createEvent({ ...body, startsAt: start });
          announce(t('events.form.created'));
        }
        navigate(eventPath(saved.id));
      },
    });
  }

  return (
    <>
      <ErrorSummary items={errors.summary} />
      <form className="form form--wide" noValidate onSubmit={onSubmit}>
        <TextField
          id="title"
          label={t('events.form.eventTitle')}
          error={errors.fields.title}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          maxLength={eventLimits.titleMax}
          required
        />
        <SelectField
          id="kind"
          label={t('events.form.kind')}
          value={kind}
          onChange={(e) => setKind(e.target.value as EventKind)}
        >
          {eventKinds.map((k) => (
            <option key={k} value={k}>
              {t(`events.kinds.${k}`)}
            </option>
          ))}
        </SelectField>
        <TextAreaField
          id="description"
          label={t('events.form.description')}
          hint={t('events.form.descriptionHint')}
          error={errors.fields.description}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          maxLength={eventLimits.descriptionMax}
          required
        />
        <TextField
          id="timeZone"
          label={t('events.form.timeZone')}
          hint={t('events.form.timeZoneHint')}
          error={errors.fields.timeZone}
          value={timeZone}
          onChange={(e) => setTimeZone(e.target.value)}
          autoComplete="off"
        />
        <TextField
          id="startsAt"
          type="datetime-local"
          label={t('events.form.startsAt', { zone: timeZone })}
          error={errors.fields.startsAt}
          value={startsAt}
          onChange={(e) => setStartsAt(e.target.value)}
          required
        />
        <TextField
          id="durationMinutes"
          type="number"
          inputMode="numeric"
          min={eventLimits.durationMin}
          max={eventLimits.durationMax}
          label={t('events.form.duration')}
          error={errors.fields.durationMinutes ?? errors.fields.endsAt}
          value={duration}
          onChange={(e) => setDuration(e.target.value)}
        />
        <TextField
          id="onlineUrl"
          type="url"
          inputMode="url"
          label={t('events.form.onlineUrl')}
          hint={t('events.form.whereHint')}
          error={errors.fields.onlineUrl}
          value={onlineUrl}
          onChange={(e) => setOnlineUrl(e.target.value)}
          maxLength={eventLimits.urlMax}
        />
        <TextField
          id="place"
          label={t('events.form.place')}
          error={errors.fields.place}
          value={place}
          onChange={(e) => setPlace(e.target.value)}
          maxLength={eventLimits.placeMax}
        />
        <TextField
          id="capacity"
          type="number"
          inputMode="numeric"
          min={1}
          max={eventLimits.capacityMax}
          label={t('events.form.capacity')}
          error={errors.fields.capacity}
          value={capacity}
          onChange={(e) => setCapacity(e.target.value)}
        />
        <p className="actions">
          <button type="submit" className="button" aria-disabled={submitting}>
            {submitting ? t('common.saving') : event ? t('events.form.save') : t('events.form.submit')}
          </button>
        </p>
      </form>
    </>
  );
}

/** /events/new — organise a webinar or meeting. */
export function NewEventPage() {
  const { t } = useTranslation();
  return (
    <Page title={t('events.form.title')}>
      <EventForm event={null} />
    </Page>
  );
}

/** /events/:id/edit — edit or reschedule (organiser, moderators, admins). */
export function EditEventPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [event, setEvent] = useState<HubEvent | null>(null);
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
  if (!event.canManage || event.status !== 'scheduled' || event.past)
    return (
      <Page title={t('events.form.editTitle')}>
        <p>{t('events.form.cannotEdit')}</p>
        <p>
          <Link to={eventPath(event.id)}>{event.title}</Link>
        </p>
      </Page>
    );
  return (
    <Page title={t('events.form.editTitle')}>
      <EventForm event={event} />
    </Page>
  );
}
