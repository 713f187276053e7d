import {
  labLimits,
  phaseKinds,
  type AgendaItem,
  type Category,
  type Coalition,
  type LabMemberRef,
  type LabVisibility,
  type Messages,
  type PhaseKind,
} from '@commons/shared';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { listCoalitions } from '../coalitions/api';
import { announce } from '../app/LiveAnnouncer';
import { ErrorSummary } from '../ui/ErrorSummary';
import { SelectField, TextAreaField, TextField } from '../ui/fields';
import { useFormSubmit, type FieldMessages } from '../ui/form';
import { Page } from '../ui/Page';
import { useAuth } from '../auth/store';
import { fetchCategories } from '../forums/api';
import { createLab, labPath } from './api';
import './labs.css';
import { useTimeZone, useZoneLabel, zonedToIso } from '../i18n/format';
import { MemberPicker } from './MemberPicker';

/** The forum categories a lab's summary can be posted in (loaded once; empty while loading). */
export function useCategories(): Category[] {
  const [categories, setCategories] = useState<Category[]>([]);
  useEffect(() => {
    const abort = new AbortController();
    fetchCategories(abort.signal).then(setCategories, () => undefined);
    return () => abort.abort();
  }, []);
  return categories;
}

/**
 * Where the summary goes. Scheduling (`required`): a site-wide lab names its category; a
 * coalition's lab offers the coalition's own categories, or its own category made when needed.
 * Editing keeps "the first category" for labs scheduled before the choice was asked.
 */
export function CategorySelect({
  value,
  onChange,
  coalitionId = '',
  required = false,
  error,
}: {
  value: string;
  onChange: (id: string) => void;
  coalitionId?: string;
  required?: boolean;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  const categories = useCategories().filter((c) => !c.archived && (c.coalitionId ?? '') === coalitionId);
  const empty = coalitionId
    ? t('labs.settings.categoryCoalition')
    : required
      ? t('labs.settings.categoryChoose')
      : t('labs.settings.categoryDefault');
  return (
    <SelectField
      id="summaryCategory"
      label={t('labs.settings.category')}
      value={value}
      error={error}
      onChange={(e) => onChange(e.target.value)}
    >
      <option value="">{empty}</option>
      {categories.map((c) => (
        <option key={c.id} value={c.id}>
          {c.name}
        </option>
      ))}
    </SelectField>
  );
}

/** The coalitions the member is an active member of (a lab can belong to one of them). */
function useMyCoalitions(): Coalition[] {
  const [coalitions, setCoalitions] = useState<Coalition[]>([]);
  useEffect(() => {
    const abort = new AbortController();
    listCoalitions('mine=true', abort.signal).then(
      (page) => setCoalitions(page.coalitions.filter((c) => c.myMembership?.status === 'active')),
      () => undefined,
    );
    return () => abort.abort();
  }, []);
  return coalitions;
}

/** A phase as the form holds it: the minutes as typed, so clearing the field and typing 5 gives 5. */
type DraftPhase = Omit<AgendaItem, 'minutes'> & { minutes: string };

const defaultAgenda: DraftPhase[] = [
  { title: '', minutes: '10', kind: 'discuss' },
  { title: '', minutes: '20', kind: 'ideas' },
  { title: '', minutes: '10', kind: 'vote' },
  { title: '', minutes: '10', kind: 'consensus' },
  { title: '', minutes: '10', kind: 'actions' },
];

const wholeIn = (value: string, min: number, max: number) => {
  const n = Number(value);
  return value.trim() !== '' && Number.isInteger(n) && n >= min && n <= max;
};

/** /labs/new — schedule a lab with its agenda of phases. */
export function NewLabPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [purpose, setPurpose] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [duration, setDuration] = useState('90');
  const [capacity, setCapacity] = useState('');
  const [visibility, setVisibility] = useState<LabVisibility>('public');
  const [agenda, setAgenda] = useState<DraftPhase[]>(defaultAgenda);
  const [facilitators, setFacilitators] = useState<LabMemberRef[]>([]);
  const [categoryId, setCategoryId] = useState('');
  const [params] = useSearchParams();
  const [coalitionId, setCoalitionId] = useState(params.get('coalition') ?? '');
  const coalitions = useMyCoalitions();
  const me = useAuth((s) => s.user?.id);
  // The start is read on the member's clock (their profile's zone), as every time is shown.
  const timeZone = useTimeZone();
  const zoneLabel = useZoneLabel();
  const { errors, submitting, submit } = useFormSubmit(t);

  const setPhase = (index: number, change: Partial<DraftPhase>) =>
    setAgenda((items) => items.map((item, i) => (i === index ? { ...item, ...change } : item)));

  /** Each problem once, at its field, in words about that field (the summary lists them all). */
  function validate(): FieldMessages {
    const fields: FieldMessages = {};
    type Key = keyof Messages['labs']['form']['errors'];
    const e = (key: Key, values: Record<string, number> = {}) => t(`labs.form.errors.${key}`, values);
    if (title.trim().length < labLimits.titleMin) fields.title = e('title');
    if (!purpose.trim()) fields.purpose = e('purpose');
    const startIso = zonedToIso(startsAt, timeZone);
    if (!startIso || new Date(startIso).getTime() <= Date.now()) fields.startsAt = e('startsAt');
    if (!wholeIn(duration, labLimits.durationMin, labLimits.durationMax)) fields.duration = e('duration');
    if (capacity && !wholeIn(capacity, 1, labLimits.capacityMax)) fields.capacity = e('capacity');
    if (!coalitionId && !categoryId) fields.summaryCategory = e('category');
    agenda.forEach((item, i) => {
      if (!item.title.trim()) fields[`phase-${i}-title`] = e('phaseTitle', { n: i + 1 });
      if (!wholeIn(item.minutes, 1, labLimits.phaseMinutesMax))
        fields[`phase-${i}-minutes`] = e('phaseMinutes', { n: i + 1 });
    });
    const total = agenda.reduce((sum, item) => sum + (Number(item.minutes) || 0), 0);
    if (!fields.duration && total > Number(duration))
      fields.agenda = e('agenda', { total, duration: Number(duration) });
    return fields;
  }

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void submit({
      validate,
      action: async () => {
        const lab = await createLab({
          title: title.trim(),
          purpose: purpose.trim(),
          startsAt: zonedToIso(startsAt, timeZone)!,
          durationMinutes: Number(duration),
          capacity: capacity ? Number(capacity) : null,
          visibility,
          facilitatorIds: facilitators.map((f) => f.id),
          summaryCategoryId: categoryId || null,
          ...(coalitionId ? { coalitionId } : {}),
          agenda: agenda.map((a) => ({ ...a, title: a.title.trim(), minutes: Number(a.minutes) })),
        });
        announce(t('labs.form.created'));
        navigate(labPath(lab.id));
      },
    });
  }

  return (
    <Page title={t('labs.form.title')}>
      <ErrorSummary items={errors.summary} />
      <form className="form form--wide" noValidate onSubmit={onSubmit}>
        <TextField
          id="title"
          label={t('labs.form.labTitle')}
          error={errors.fields.title}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          maxLength={labLimits.titleMax}
          required
        />
        <TextAreaField
          id="purpose"
          label={t('labs.form.purpose')}
          error={errors.fields.purpose}
          value={purpose}
          onChange={(e) => setPurpose(e.target.value)}
          maxLength={labLimits.purposeMax}
          required
        />
        <TextField
          id="startsAt"
          type="datetime-local"
          label={t('labs.form.startsAt', { zone: zoneLabel })}
          error={errors.fields.startsAt}
          value={startsAt}
          onChange={(e) => setStartsAt(e.target.value)}
          required
        />
        <TextField
          id="duration"
          type="number"
          inputMode="numeric"
          min={labLimits.durationMin}
          max={labLimits.durationMax}
          label={t('labs.form.duration')}
          error={errors.fields.duration ?? errors.fields.durationMinutes}
          value={duration}
          onChange={(e) => setDuration(e.target.value)}
        />
        <TextField
          id="capacity"
          type="number"
          inputMode="numeric"
          min={1}
          label={t('labs.form.capacity')}
          error={errors.fields.capacity}
          value={capacity}
          onChange={(e) => setCapacity(e.target.value)}
        />
        <SelectField
          id="visibility"
          label={t('labs.form.visibility')}
          value={visibility}
          onChange={(e) => setVisibility(e.target.value as LabVisibility)}
        >
          <option value="public">{t('labs.visibility.public')}</option>
          <option value="invite">{t('labs.visibility.invite')}</option>
        </SelectField>
        {coalitions.length > 0 && (
          <SelectField
            id="coalition"
            label={t('labs.form.coalition')}
            hint={t('labs.form.coalitionHint')}
            value={coalitionId}
            onChange={(e) => {
              setCoalitionId(e.target.value);
              // The summary's category belongs to the lab's coalition (or to none).
              setCategoryId('');
            }}
          >
            <option value="">{t('labs.form.coalitionNone')}</option>
            {coalitions.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </SelectField>
        )}
        <MemberPicker
          id="facilitators"
          label={t('labs.settings.facilitators')}
          chosen={facilitators}
          onChange={setFacilitators}
          exclude={me ? [me] : []}
        />
        {errors.fields.facilitatorIds && <p className="field__error">{errors.fields.facilitatorIds}</p>}
        <CategorySelect
          value={categoryId}
          onChange={setCategoryId}
          coalitionId={coalitionId}
          required
          error={errors.fields.summaryCategory ?? errors.fields.summaryCategoryId}
        />
        <fieldset className="lab-agenda">
          <legend>{t('labs.form.agenda')}</legend>
          {errors.fields.agenda && (
            <p id="agenda" className="field__error" tabIndex={-1}>
              {errors.fields.agenda}
            </p>
          )}
          {agenda.map((item, i) => (
            <fieldset key={i} className="lab-agenda__phase">
              <legend>{t('labs.form.phaseLegend', { n: i + 1 })}</legend>
              <TextField
                id={`phase-${i}-title`}
                label={t('labs.form.phaseTitle')}
                error={errors.fields[`phase-${i}-title`]}
                value={item.title}
                onChange={(e) => setPhase(i, { title: e.target.value })}
                maxLength={120}
              />
              <TextField
                id={`phase-${i}-minutes`}
                type="number"
                inputMode="numeric"
                min={1}
                max={labLimits.phaseMinutesMax}
                label={t('labs.form.phaseMinutes')}
                error={errors.fields[`phase-${i}-minutes`]}
                value={item.minutes}
                onChange={(e) => setPhase(i, { minutes: e.target.value })}
              />
              <SelectField
                id={`phase-${i}-kind`}
                label={t('labs.form.phaseKind')}
                value={item.kind}
                onChange={(e) => setPhase(i, { kind: e.target.value as PhaseKind })}
              >
                {phaseKinds.map((kind) => (
                  <option key={kind} value={kind}>
                    {t(`labs.kinds.${kind}`)}
                  </option>
                ))}
              </SelectField>
              {agenda.length > 1 && (
                <button
                  type="button"
                  className="button button--secondary"
                  onClick={() => setAgenda((items) => items.filter((_, n) => n !== i))}
                >
                  {t('labs.form.removePhase', { n: i + 1 })}
                </button>
              )}
            </fieldset>
          ))}
          {agenda.length < labLimits.agendaMax && (
            <button
              type="button"
              className="button button--secondary"
              onClick={() => setAgenda((items) => [...items, { title: '', minutes: '10', kind: 'discuss' }])}
            >
              {t('labs.form.addPhase')}
            </button>
          )}
        </fieldset>
        <p className="actions">
          <button type="submit" className="button" aria-disabled={submitting}>
            {submitting ? t('common.saving') : t('labs.form.submit')}
          </button>
        </p>
      </form>
    </Page>
  );
}
