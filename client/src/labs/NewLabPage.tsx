import {
  labLimits,
  phaseKinds,
  type AgendaItem,
  type Category,
  type Coalition,
  type LabMemberRef,
  type LabVisibility,
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

/** Where the summary goes: a forum category, or the first one when none is chosen. */
export function CategorySelect({ value, onChange }: { value: string; onChange: (id: string) => void }) {
  const { t } = useTranslation();
  const categories = useCategories();
  return (
    <SelectField
      id="summaryCategory"
      label={t('labs.settings.category')}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    >
      <option value="">{t('labs.settings.categoryDefault')}</option>
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

const defaultAgenda: AgendaItem[] = [
  { title: '', minutes: 10, kind: 'discuss' },
  { title: '', minutes: 20, kind: 'ideas' },
  { title: '', minutes: 10, kind: 'vote' },
  { title: '', minutes: 10, kind: 'consensus' },
  { title: '', minutes: 10, kind: 'actions' },
];

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
  const [agenda, setAgenda] = useState<AgendaItem[]>(defaultAgenda);
  const [facilitators, setFacilitators] = useState<LabMemberRef[]>([]);
  const [categoryId, setCategoryId] = useState('');
  const [params] = useSearchParams();
  const [coalitionId, setCoalitionId] = useState(params.get('coalition') ?? '');
  const coalitions = useMyCoalitions();
  const me = useAuth((s) => s.user?.id);
  const { errors, submitting, submit } = useFormSubmit(t);

  const setPhase = (index: number, change: Partial<AgendaItem>) =>
    setAgenda((items) => items.map((item, i) => (i === index ? { ...item, ...change } : item)));

  function validate(): FieldMessages {
    const fields: FieldMessages = {};
    const invalid = t('errors.validation_failed');
    if (title.trim().length < labLimits.titleMin) fields.title = invalid;
    if (!purpose.trim()) fields.purpose = invalid;
    if (!startsAt || Number.isNaN(new Date(startsAt).getTime())) fields.startsAt = invalid;
    const minutes = Number(duration);
    if (!Number.isInteger(minutes) || minutes < labLimits.durationMin) fields.duration = invalid;
    if (capacity && !(Number(capacity) >= 1)) fields.capacity = invalid;
    agenda.forEach((item, i) => {
      if (!item.title.trim()) fields[`phase-${i}-title`] = invalid;
    });
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
          startsAt: new Date(startsAt).toISOString(),
          durationMinutes: Number(duration),
          capacity: capacity ? Number(capacity) : null,
          visibility,
          facilitatorIds: facilitators.map((f) => f.id),
          summaryCategoryId: categoryId || null,
          ...(coalitionId ? { coalitionId } : {}),
          agenda: agenda.map((a) => ({ ...a, title: a.title.trim() })),
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
          label={t('labs.form.startsAt')}
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
            onChange={(e) => setCoalitionId(e.target.value)}
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
        <CategorySelect value={categoryId} onChange={setCategoryId} />
        <fieldset className="lab-agenda">
          <legend>{t('labs.form.agenda')}</legend>
          {errors.fields.agenda && <p className="field__error">{errors.fields.agenda}</p>}
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
                value={String(item.minutes)}
                onChange={(e) => setPhase(i, { minutes: Number(e.target.value) || 1 })}
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
              onClick={() => setAgenda((items) => [...items, { title: '', minutes: 10, kind: 'discuss' }])}
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
