import { FORMER_MEMBER_NAME, forumLimits, type MemberRef } from '@commons/shared';
import { memberName } from '../members/names';
import type { TFunction } from 'i18next';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormatDate } from '../i18n/format';
import { previewMarkdown } from './api';
import { useMentionCombobox } from './MentionCombobox';
import type { FieldMessages, FormErrors } from '../ui/form';

const dateTime: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };

/** A date and time in the member's language and time zone. */
export function Time({ iso }: { iso: string }) {
  const formatDate = useFormatDate();
  return <time dateTime={iso}>{formatDate(iso, dateTime)}</time>;
}

/** A link to a member's profile, or "former member" when the account is gone. */
export function AuthorLink({ member }: { member: MemberRef | null }) {
  const { t } = useTranslation();
  if (!member || member.displayName === FORMER_MEMBER_NAME) return <span>{memberName(t, member)}</span>;
  return <Link to={`/members/${member.id}`}>{member.displayName}</Link>;
}

/** "3 unread": visible text, so it needs no colour or extra label to be understood. */
export function UnreadBadge({ count, label }: { count: number; label: string }) {
  if (count <= 0) return null;
  return <span className="badge badge--unread">{label}</span>;
}

/** Client-side checks of a post body, with the server's limits. */
export function bodyError(t: TFunction, body: string): string | undefined {
  if (body.trim().length === 0) return t('forums.validation.bodyRequired');
  if (body.length > forumLimits.bodyMax) return t('forums.validation.bodyTooLong', { max: forumLimits.bodyMax });
  return undefined;
}

export function titleError(t: TFunction, title: string): string | undefined {
  const length = title.trim().length;
  if (length < forumLimits.titleMin || length > forumLimits.titleMax) {
    return t('forums.validation.titleLength', { min: forumLimits.titleMin, max: forumLimits.titleMax });
  }
  return undefined;
}

/** Gives the fields of one form on a page with several forms unique ids (`prefix` + name). */
export function prefixErrors(errors: FormErrors, prefix: string): FormErrors {
  return {
    ...errors,
    summary: errors.summary.map((item) => (item.field ? { ...item, field: `${prefix}${item.field}` } : item)),
  };
}

export function prefixFields(fields: FieldMessages, prefix: string): FieldMessages {
  const out: FieldMessages = {};
  for (const [name, message] of Object.entries(fields)) out[`${prefix}${name}`] = message;
  return out;
}

interface MarkdownFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  rows?: number;
}

/**
 * A Markdown text area with Write and Preview. The preview is rendered by the server with the
 * same renderer and sanitizer as a saved post, so what you see is what will be posted.
 */
export function MarkdownField({ id, label, value, onChange, error, rows = 6 }: MarkdownFieldProps) {
  const { t } = useTranslation();
  const [preview, setPreview] = useState(false);
  const mention = useMentionCombobox(id, value, onChange);
  const rendered = usePreview(preview ? value : '');
  // A new error sends the writer back to the text, so the error summary's link can reach it.
  const [shownError, setShownError] = useState(error);
  if (shownError !== error) {
    setShownError(error);
    if (error) setPreview(false);
  }
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const previewId = useId();
  const describedBy = error ? `${hintId} ${errorId}` : hintId;
  return (
    <div className={error ? 'field field--error markdown-field' : 'field markdown-field'}>
      <label htmlFor={id}>{label}</label>
      <p id={hintId} className="field__hint">
        {t('forums.composer.markdownHint')} {t('forums.mention.hint')}
      </p>
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
      <div className="tab-buttons" role="group" aria-label={t('forums.composer.mode')}>
        <button type="button" aria-pressed={!preview} onClick={() => setPreview(false)}>
          {t('forums.composer.write')}
        </button>
        <button type="button" aria-pressed={preview} aria-controls={previewId} onClick={() => setPreview(true)}>
          {t('forums.composer.preview')}
        </button>
      </div>
      <textarea
        id={id}
        name={id}
        rows={rows}
        value={value}
        hidden={preview}
        onChange={(event) => {
          onChange(event.target.value);
          mention.track(event.target);
        }}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        required
        {...mention.inputProps}
      />
      {!preview && mention.popup}
      <div id={previewId} className="markdown-preview prose" hidden={!preview} aria-busy={rendered.state === 'loading'}>
        {!value.trim() ? (
          <span className="empty">{t('forums.composer.previewEmpty')}</span>
        ) : rendered.state === 'ready' ? (
          // Server-rendered and sanitized (the allow-list that saved posts go through), never client-made HTML.
          <div dangerouslySetInnerHTML={{ __html: rendered.html }} />
        ) : rendered.state === 'failed' ? (
          <p className="field__error">{t('forums.composer.previewFailed')}</p>
        ) : (
          <p>{t('forums.composer.previewLoading')}</p>
        )}
      </div>
    </div>
  );
}

type PreviewState = { state: 'loading' | 'failed'; html: '' } | { state: 'ready'; html: string };

/** Asks the server to render `source` (after a short pause in typing); '' means no preview. */
function usePreview(source: string): PreviewState {
  // Each answer remembers the text it belongs to, so a stale one reads as still loading.
  const [answer, setAnswer] = useState<{ source: string; html: string; failed: boolean } | null>(null);
  useEffect(() => {
    if (!source.trim()) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      previewMarkdown(source, controller.signal).then(
        (html) => setAnswer({ source, html, failed: false }),
        () => {
          if (!controller.signal.aborted) setAnswer({ source, html: '', failed: true });
        },
      );
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [source]);
  if (!answer || answer.source !== source) return { state: 'loading', html: '' };
  return answer.failed ? { state: 'failed', html: '' } : { state: 'ready', html: answer.html };
}
