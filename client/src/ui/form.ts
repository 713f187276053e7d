import { catalogues, type Messages } from '@commons/shared';
import type { TFunction } from 'i18next';
import { useCallback, useRef, useState } from 'react';
import { ApiError, type ClientErrorCode } from '../api';

/** Field id -> translated message. */
export type FieldMessages = Partial<Record<string, string>>;

export interface SummaryItem {
  /** The id of the field the message is about, if any: the summary links to it. */
  field?: string;
  message: string;
}

export interface FormErrors {
  summary: SummaryItem[];
  fields: FieldMessages;
  /** The error code of a failed request, for pages that offer a way out (e.g. a new reset link). */
  code?: ClientErrorCode;
}

export const noErrors: FormErrors = { summary: [], fields: {} };

type KnownField = keyof Messages['errors']['fields'];

function isKnownField(field: string): field is KnownField {
  return Object.hasOwn(catalogues.en.errors.fields, field);
}

/**
 * The summary lists each message once (linked to the first field it is about); every field still
 * shows its own message. A generic message for several fields is not repeated down the summary.
 */
export function fromFieldMessages(fields: FieldMessages): FormErrors {
  const summary: SummaryItem[] = [];
  for (const [field, message] of Object.entries(fields))
    if (message && !summary.some((item) => item.message === message)) summary.push({ field, message });
  return { summary, fields };
}

/**
 * Translates a failed request into form errors. `codeFields` ties an error code to the field
 * it is about (email_taken -> email), so the message shows next to that field.
 */
export function fromError(
  error: unknown,
  t: TFunction,
  codeFields: Partial<Record<ClientErrorCode, string>> = {},
): FormErrors {
  if (!(error instanceof ApiError))
    return { summary: [{ message: t('errors.internal') }], fields: {}, code: 'internal' };
  const { code } = error;
  const message = t(`errors.${code}`);
  const field = codeFields[code];
  if (field) return { ...fromFieldMessages({ [field]: message }), code };
  const serverFields = Object.keys(error.fieldErrors);
  if (error.code === 'validation_failed' && serverFields.length > 0) {
    const fields: FieldMessages = {};
    for (const name of serverFields) fields[name] = isKnownField(name) ? t(`errors.fields.${name}`) : message;
    return { ...fromFieldMessages(fields), code };
  }
  return { summary: [{ message }], fields: {}, code };
}

interface SubmitOptions {
  /** Client-side checks; any message stops the submit. */
  validate?: () => FieldMessages;
  action: () => Promise<void>;
  codeFields?: Partial<Record<ClientErrorCode, string>>;
}

/** Submit state of one form: pending flag, errors, and a submit that fills them. */
export function useFormSubmit(t: TFunction) {
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [submitting, setSubmitting] = useState(false);
  const busy = useRef(false);

  const submit = useCallback(
    async ({ validate, action, codeFields }: SubmitOptions): Promise<boolean> => {
      if (busy.current) return false;
      const invalid = fromFieldMessages(validate?.() ?? {});
      if (invalid.summary.length > 0) {
        setErrors(invalid);
        return false;
      }
      busy.current = true;
      setSubmitting(true);
      try {
        await action();
        setErrors(noErrors);
        return true;
      } catch (error) {
        setErrors(fromError(error, t, codeFields));
        return false;
      } finally {
        busy.current = false;
        setSubmitting(false);
      }
    },
    [t],
  );

  return { errors, submitting, submit };
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isEmail(value: string): boolean {
  return emailPattern.test(value.trim());
}
