import {
  libraryLimits,
  resourceAudiences,
  resourceLanguages,
  resourceTopics,
  type ResourceAudience,
  type ResourceLanguage,
  type ResourceTopic,
} from '@commons/shared';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/store';
import { useNavigate, useParams } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { ErrorSummary } from '../ui/ErrorSummary';
import { SelectField, TextAreaField, TextField } from '../ui/fields';
import { useFormSubmit, type FieldMessages } from '../ui/form';
import { Page } from '../ui/Page';
import { fetchResource, submitResource, updateResource, uploadFile } from './api';
import { CheckboxGroup } from './CheckboxGroup';
import './library.css';

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * /library/new — share a resource; it waits for a moderator's review.
 * /library/:id/edit — its submitter (or a moderator) edits it; the file stays.
 */
export function SubmitResourcePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id: editingId } = useParams();
  const role = useAuth((s) => s.user?.role);
  const [loadState, setLoadState] = useState<'loading' | 'ready' | 'failed'>(editingId ? 'loading' : 'ready');
  const [hasFile, setHasFile] = useState(false);
  const { errors, submitting, submit } = useFormSubmit(t);
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const [url, setUrl] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [topics, setTopics] = useState<ResourceTopic[]>([]);
  const [audiences, setAudiences] = useState<ResourceAudience[]>([]);
  const [language, setLanguage] = useState<ResourceLanguage>('en');
  const [organisation, setOrganisation] = useState('');
  const [uploading, setUploading] = useState(false);

  useEffect(() => {
    if (!editingId) return;
    const controller = new AbortController();
    fetchResource(editingId, controller.signal).then(
      (r) => {
        setTitle(r.title);
        setSummary(r.summary);
        setUrl(r.url ?? '');
        setHasFile(r.file !== null);
        setTopics(r.topics);
        setAudiences(r.audiences);
        setLanguage(r.language);
        setOrganisation(r.organisation);
        setLoadState('ready');
      },
      () => {
        if (!controller.signal.aborted) setLoadState('failed');
      },
    );
    return () => controller.abort();
  }, [editingId]);

  function validate(): FieldMessages {
    const m: FieldMessages = {};
    const trimmed = title.trim();
    if (trimmed.length < libraryLimits.titleMin || trimmed.length > libraryLimits.titleMax)
      m.title = t('hub.submit.errors.title');
    if (!summary.trim() || summary.length > libraryLimits.summaryMax) m.summary = t('hub.submit.errors.summary');
    if (url.trim() && !isHttpUrl(url.trim())) m.url = t('hub.submit.errors.url');
    if (!url.trim() && !file && !hasFile) m.url = t('hub.submit.errors.linkOrFile');
    if (file && file.size > libraryLimits.uploadMaxBytes) m.file = t('hub.submit.errors.file');
    if (topics.length === 0) m.topics = t('hub.submit.errors.topics');
    if (audiences.length === 0) m.audiences = t('hub.submit.errors.audiences');
    return m;
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    let id: string | null = null;
    const ok = await submit({
      validate,
      codeFields: { unsupported_media_type: 'file', payload_too_large: 'file' },
      action: async () => {
        if (editingId) {
          id = (
            await updateResource(editingId, {
              title: title.trim(),
              summary: summary.trim(),
              url: url.trim() || null,
              topics,
              audiences,
              language,
              organisation: organisation.trim(),
            })
          ).id;
          return;
        }
        let fileId: string | undefined;
        if (file) {
          setUploading(true);
          try {
            fileId = (await uploadFile(file)).id;
          } finally {
            setUploading(false);
          }
        }
        const resource = await submitResource({
          title: title.trim(),
          summary: summary.trim(),
          ...(url.trim() ? { url: url.trim() } : {}),
          ...(fileId ? { fileId } : {}),
          topics,
          audiences,
          language,
          organisation: organisation.trim(),
        });
        id = resource.id;
      },
    });
    if (ok && id) {
      announce(editingId ? t('hub.manage.saved') : t('hub.submit.done'));
      navigate(`/library/${id}`, editingId ? {} : { state: { submitted: true } });
    }
  }

  const pageTitle = editingId ? t('hub.manage.editResourceTitle') : t('hub.submit.title');
  if (loadState !== 'ready')
    return (
      <Page title={pageTitle}>
        <p role={loadState === 'failed' ? 'alert' : 'status'}>
          {loadState === 'failed' ? t('hub.manage.loadFailed') : t('hub.manage.loading')}
        </p>
      </Page>
    );

  return (
    <Page title={pageTitle}>
      {!editingId && <p>{t('hub.submit.intro')}</p>}
      {editingId && role !== 'moderator' && role !== 'admin' && <p>{t('hub.manage.backToReview')}</p>}
      <ErrorSummary items={errors.summary} />
      <form className="form form--wide" noValidate onSubmit={(e) => void onSubmit(e)}>
        <TextField
          id="title"
          label={t('hub.submit.fields.title')}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          maxLength={libraryLimits.titleMax}
          required
          error={errors.fields.title}
        />
        <TextAreaField
          id="summary"
          label={t('hub.submit.fields.summary')}
          hint={t('hub.submit.fields.summaryHint')}
          value={summary}
          onChange={(e) => setSummary(e.target.value)}
          maxLength={libraryLimits.summaryMax}
          required
          error={errors.fields.summary}
        />
        <TextField
          id="url"
          type="url"
          inputMode="url"
          label={t('hub.submit.fields.url')}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          error={errors.fields.url}
        />
        {editingId ? (
          hasFile && <p className="meta">{t('hub.manage.fileKept')}</p>
        ) : (
          <TextField
            id="file"
            type="file"
            accept="application/pdf,image/png,image/jpeg,image/gif,image/webp"
            label={t('hub.submit.fields.file')}
            hint={t('hub.submit.fields.fileHint')}
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            error={errors.fields.file}
          />
        )}
        <CheckboxGroup
          id="topics"
          legend={t('hub.submit.fields.topics')}
          values={resourceTopics}
          labelOf={(v) => t(`hub.topics.${v}`)}
          selected={topics}
          onChange={setTopics}
          error={errors.fields.topics}
        />
        <CheckboxGroup
          id="audiences"
          legend={t('hub.submit.fields.audiences')}
          values={resourceAudiences}
          labelOf={(v) => t(`hub.audiences.${v}`)}
          selected={audiences}
          onChange={setAudiences}
          error={errors.fields.audiences}
        />
        <SelectField
          id="language"
          label={t('hub.submit.fields.language')}
          value={language}
          onChange={(e) => setLanguage(e.target.value as ResourceLanguage)}
        >
          {resourceLanguages.map((l) => (
            <option key={l} value={l}>
              {t(`hub.languages.${l}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          id="organisation"
          label={t('hub.submit.fields.organisation')}
          value={organisation}
          onChange={(e) => setOrganisation(e.target.value)}
          maxLength={libraryLimits.organisationMax}
          error={errors.fields.organisation}
        />
        <p className="actions">
          <button type="submit" className="button" aria-disabled={submitting}>
            {editingId
              ? submitting
                ? t('hub.manage.saving')
                : t('hub.manage.save')
              : uploading
                ? t('hub.submit.uploading')
                : submitting
                  ? t('hub.submit.sending')
                  : t('hub.submit.send')}
          </button>
        </p>
      </form>
    </Page>
  );
}
