import { coalitionVisibilities, joinPolicies, type CoalitionVisibility, type JoinPolicy } from '@commons/shared';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { ErrorSummary } from '../ui/ErrorSummary';
import { SelectField, TextAreaField, TextField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { Page } from '../ui/Page';
import { createCoalition, fetchCoalition, updateCoalition } from './api';

/**
 * /coalitions/new — start a coalition; its creator becomes its admin.
 * /coalitions/:id/edit — its admins (and site administrators) change it.
 */
export function NewCoalitionPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id: editingId } = useParams();
  const { errors, submitting, submit } = useFormSubmit(t);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [community, setCommunity] = useState('');
  const [joinPolicy, setJoinPolicy] = useState<JoinPolicy>('open');
  const [visibility, setVisibility] = useState<CoalitionVisibility>('public');
  const [loadState, setLoadState] = useState<'loading' | 'ready' | 'failed'>(editingId ? 'loading' : 'ready');

  useEffect(() => {
    if (!editingId) return;
    const controller = new AbortController();
    fetchCoalition(editingId, controller.signal).then(
      ({ coalition }) => {
        setName(coalition.name);
        setDescription(coalition.description);
        setCommunity(coalition.community);
        setJoinPolicy(coalition.joinPolicy);
        setVisibility(coalition.visibility);
        setLoadState('ready');
      },
      () => {
        if (!controller.signal.aborted) setLoadState('failed');
      },
    );
    return () => controller.abort();
  }, [editingId]);

  async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    let id: string | null = null;
    const body = {
      name: name.trim(),
      description: description.trim(),
      community: community.trim(),
      joinPolicy,
      visibility,
    };
    const ok = await submit({
      validate: () =>
        name.trim().length < 3 || name.trim().length > 120 ? { name: t('hub.coalitions.errors.name') } : {},
      codeFields: { conflict: 'name' },
      action: async () => {
        id = (editingId ? await updateCoalition(editingId, body) : await createCoalition(body)).coalition.id;
      },
    });
    if (ok && id) {
      if (editingId) announce(t('hub.manage.saved'));
      navigate(`/coalitions/${id}`);
    }
  }

  const title = editingId ? t('hub.manage.editCoalitionTitle') : t('hub.coalitions.create');
  if (loadState !== 'ready')
    return (
      <Page title={title}>
        <p role={loadState === 'failed' ? 'alert' : 'status'}>
          {loadState === 'failed' ? t('hub.manage.loadFailed') : t('hub.manage.loading')}
        </p>
      </Page>
    );

  return (
    <Page title={title}>
      <ErrorSummary items={errors.summary} />
      <form className="form" noValidate onSubmit={(e) => void onSubmit(e)}>
        <TextField
          id="name"
          label={t('hub.coalitions.form.name')}
          value={name}
          maxLength={120}
          onChange={(e) => setName(e.target.value)}
          error={errors.fields.name}
        />
        <TextAreaField
          id="description"
          label={t('hub.coalitions.form.description')}
          value={description}
          maxLength={2000}
          onChange={(e) => setDescription(e.target.value)}
        />
        <TextField
          id="community"
          label={t('hub.coalitions.form.community')}
          value={community}
          maxLength={120}
          onChange={(e) => setCommunity(e.target.value)}
        />
        <SelectField
          id="joinPolicy"
          label={t('hub.coalitions.form.joinPolicy')}
          value={joinPolicy}
          onChange={(e) => setJoinPolicy(e.target.value as JoinPolicy)}
        >
          {joinPolicies.map((p) => (
            <option key={p} value={p}>
              {t(`hub.coalitions.policy.${p}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          id="visibility"
          label={t('hub.coalitionSpace.visibilityLabel')}
          value={visibility}
          onChange={(e) => setVisibility(e.target.value as CoalitionVisibility)}
        >
          {coalitionVisibilities.map((v) => (
            <option key={v} value={v}>
              {t(`hub.coalitionSpace.visibilityOptions.${v}`)}
            </option>
          ))}
        </SelectField>
        <p className="actions">
          <button type="submit" className="button" aria-disabled={submitting}>
            {editingId
              ? submitting
                ? t('hub.manage.saving')
                : t('hub.manage.save')
              : submitting
                ? t('hub.coalitions.form.creating')
                : t('hub.coalitions.form.create')}
          </button>
        </p>
      </form>
    </Page>
  );
}
