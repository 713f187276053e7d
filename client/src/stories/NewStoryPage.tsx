import { libraryLimits, resourceTopics, storyLimits, type ResourceTopic } from '@commons/shared';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { announce } from '../app/LiveAnnouncer';
import { uploadFile } from '../library/api';
import { CheckboxGroup } from '../library/CheckboxGroup';
import { ErrorSummary } from '../ui/ErrorSummary';
import { TextAreaField, TextField } from '../ui/fields';
import { fromError, useFormSubmit, type FieldMessages } from '../ui/form';
import { Page } from '../ui/Page';
import { fetchStory, publishStory, updateStory } from './api';
import '../library/library.css';

/** /stories/new — write a story in Markdown, with photos uploaded here; /stories/:id/edit — its author edits it. */
export function NewStoryPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id: editingId } = useParams();
  const [loadState, setLoadState] = useState<'loading' | 'ready' | 'failed'>(editingId ? 'loading' : 'ready');
  const { errors, submitting, submit } = useFormSubmit(t);
  const [title, setTitle] = useState('');
  const [community, setCommunity] = useState('');
  const [topics, setTopics] = useState<ResourceTopic[]>([]);
  const [body, setBody] = useState('');
  const [alt, setAlt] = useState('');
  const [imageError, setImageError] = useState<string | undefined>();
  const [uploading, setUploading] = useState(false);

  useEffect(() => {
    if (!editingId) return;
    const controller = new AbortController();
    fetchStory(editingId, controller.signal).then(
      (story) => {
        setTitle(story.title);
        setCommunity(story.community);
        setTopics(story.topics);
        setBody(story.body);
        setLoadState('ready');
      },
      () => {
        if (!controller.signal.aborted) setLoadState('failed');
      },
    );
    return () => controller.abort();
  }, [editingId]);

  async function addImage(file: File | undefined): Promise<void> {
    if (!file) return;
    setImageError(undefined);
    if (file.size > libraryLimits.uploadMaxBytes) {
      setImageError(t('hub.stories.errors.image'));
      return;
    }
    setUploading(true);
    try {
      const upload = await uploadFile(file);
      if (upload.kind !== 'image') {
        setImageError(t('hub.stories.errors.image'));
        return;
      }
      const field = document.getElementById('body');
      const at = field instanceof HTMLTextAreaElement ? field.selectionStart : body.length;
      const snippet = `\n\n![${alt.replace(/[[\]]/g, '') || upload.name}](${upload.url})\n\n`;
      setBody((b) => b.slice(0, at) + snippet + b.slice(at));
      setAlt('');
      announce(t('hub.stories.form.uploaded'));
    } catch (error) {
      setImageError(fromError(error, t).summary[0]?.message ?? t('hub.stories.errors.image'));
    } finally {
      setUploading(false);
    }
  }

  function validate(): FieldMessages {
    const m: FieldMessages = {};
    if (title.trim().length < storyLimits.titleMin || title.trim().length > storyLimits.titleMax)
      m.title = t('hub.stories.errors.title');
    if (community.trim().length < 2) m.community = t('hub.stories.errors.community');
    if (topics.length === 0) m.topics = t('hub.stories.errors.topics');
    if (!body.trim() || body.length > storyLimits.bodyMax) m.body = t('hub.stories.errors.body');
    return m;
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    let id: string | null = null;
    const ok = await submit({
      validate,
      action: async () => {
        const fields = { title: title.trim(), community: community.trim(), topics, body };
        id = (editingId ? await updateStory(editingId, fields) : await publishStory(fields)).id;
      },
    });
    if (ok && id) {
      if (editingId) announce(t('hub.manage.saved'));
      navigate(`/stories/${id}`);
    }
  }

  const pageTitle = editingId ? t('hub.manage.editStoryTitle') : t('hub.stories.write');
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
      <ErrorSummary items={errors.summary} />
      <form className="form form--wide" noValidate onSubmit={(e) => void onSubmit(e)}>
        <TextField
          id="title"
          label={t('hub.stories.form.title')}
          value={title}
          maxLength={storyLimits.titleMax}
          onChange={(e) => setTitle(e.target.value)}
          error={errors.fields.title}
        />
        <TextField
          id="community"
          label={t('hub.stories.form.community')}
          value={community}
          maxLength={storyLimits.communityMax}
          onChange={(e) => setCommunity(e.target.value)}
          error={errors.fields.community}
        />
        <CheckboxGroup
          id="topics"
          legend={t('hub.stories.form.topics')}
          values={resourceTopics}
          labelOf={(v) => t(`hub.topics.${v}`)}
          selected={topics}
          onChange={setTopics}
          error={errors.fields.topics}
        />
        <TextAreaField
          id="body"
          rows={12}
          label={t('hub.stories.form.body')}
          hint={t('hub.stories.form.bodyHint')}
          value={body}
          maxLength={storyLimits.bodyMax}
          onChange={(e) => setBody(e.target.value)}
          error={errors.fields.body}
        />
        <TextField
          id="image-alt"
          label={t('hub.stories.form.imageAlt')}
          value={alt}
          onChange={(e) => setAlt(e.target.value)}
        />
        <TextField
          id="image"
          type="file"
          accept="image/png,image/jpeg,image/gif,image/webp"
          label={t('hub.stories.form.image')}
          hint={uploading ? t('hub.stories.form.uploading') : t('hub.stories.form.imageHint')}
          onChange={(e) => {
            void addImage(e.target.files?.[0]);
            e.target.value = '';
          }}
          error={imageError}
        />
        <p className="actions">
          <button type="submit" className="button" aria-disabled={submitting || uploading}>
            {editingId
              ? submitting
                ? t('hub.manage.saving')
                : t('hub.manage.save')
              : submitting
                ? t('hub.stories.form.publishing')
                : t('hub.stories.form.publish')}
          </button>
        </p>
      </form>
    </Page>
  );
}
