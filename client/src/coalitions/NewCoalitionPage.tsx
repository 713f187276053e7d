import { joinPolicies, type JoinPolicy } from '@commons/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ErrorSummary } from '../ui/ErrorSummary';
import { SelectField, TextAreaField, TextField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { Page } from '../ui/Page';
import { createCoalition } from './api';

/** /coalitions/new — start a coalition; its creator becomes its admin. */
export function NewCoalitionPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { errors, submitting, submit } = useFormSubmit(t);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [community, setCommunity] = useState('');
  const [joinPolicy, setJoinPolicy] = useState<JoinPolicy>('open');

  async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    let id: string | null = null;
    const ok = await submit({
      validate: () =>
        name.trim().length < 3 || name.trim().length > 120 ? { name: t('hub.coalitions.errors.name') } : {},
      codeFields: { conflict: 'name' },
      action: async () => {
        id = (
          await createCoalition({
            name: name.trim(),
            description: description.trim(),
            community: community.trim(),
            joinPolicy,
          })
        ).coalition.id;
      },
    });
    if (ok && id) navigate(`/coalitions/${id}`);
  }

  return (
    <Page title={t('hub.coalitions.create')}>
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
        <p className="actions">
          <button type="submit" className="button" aria-disabled={submitting}>
            {submitting ? t('hub.coalitions.form.creating') : t('hub.coalitions.form.create')}
          </button>
        </p>
      </form>
    </Page>
  );
}
