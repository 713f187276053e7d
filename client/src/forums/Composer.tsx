import type { Post } from '@commons/shared';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PublishingGate } from '../moderation/PublishingGate';
import { ErrorSummary } from '../ui/ErrorSummary';
import { useFormSubmit } from '../ui/form';
import { createPost, editPost } from './api';
import { useForums } from './store';
import { bodyError, MarkdownField, prefixErrors } from './ui';

interface ComposerProps {
  threadId: string;
  /** Reply under this post; none for a top-level reply. */
  parentId?: string | undefined;
  quotePostId?: string | undefined;
  /** Editing this post instead of writing a new one. */
  editing?: Post | undefined;
  label: string;
  onDone?: ((post: Post) => void) | undefined;
  onCancel?: (() => void) | undefined;
  /** Put the cursor in the text at once (an inline reply or edit the member just opened). */
  focusOnMount?: boolean;
}

/** Writes a reply (or edits a post) in a thread, unless the member's posting is paused. */
export function Composer(props: ComposerProps) {
  return (
    <PublishingGate>
      <ComposerForm {...props} />
    </PublishingGate>
  );
}

/** The reply form; the result is shown at once, live events dedupe. */
function ComposerForm(props: ComposerProps) {
  const { threadId, parentId, quotePostId, editing, label, onDone, onCancel, focusOnMount = false } = props;
  const { t } = useTranslation();
  const prefix = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const fieldId = `${prefix}body`;
  const [body, setBody] = useState(editing?.body ?? '');
  const { errors, submitting, submit } = useFormSubmit(t);
  const upsertPost = useForums((s) => s.upsertPost);

  useEffect(() => {
    if (focusOnMount) document.getElementById(fieldId)?.focus();
  }, [focusOnMount, fieldId]);

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void submit({
      validate: () => ({ body: bodyError(t, body) }),
      action: async () => {
        const post = editing
          ? await editPost(editing.id, body)
          : await createPost(threadId, {
              body,
              ...(parentId ? { parentId } : {}),
              ...(quotePostId ? { quotePostId } : {}),
            });
        upsertPost(post);
        setBody('');
        onDone?.(post);
      },
    });
  }

  const shown = prefixErrors(errors, prefix);
  return (
    <form
      className="composer"
      noValidate
      onSubmit={onSubmit}
      onKeyDown={(event) => {
        // Esc leaves an inline reply or edit (the mention list, when open, takes Esc first).
        if (event.key === 'Escape' && onCancel && !event.defaultPrevented) {
          event.preventDefault();
          onCancel();
        }
      }}
    >
      <ErrorSummary items={shown.summary} />
      <MarkdownField id={fieldId} label={label} value={body} onChange={setBody} error={errors.fields.body} />
      <p className="actions">
        <button type="submit" className="button" aria-disabled={submitting}>
          {submitting
            ? t('forums.composer.sending')
            : editing
              ? t('forums.composer.saveEdit')
              : t('forums.composer.send')}
        </button>
        {onCancel && (
          <button type="button" className="button button--secondary" onClick={onCancel}>
            {t('forums.composer.cancel')}
          </button>
        )}
      </p>
    </form>
  );
}
