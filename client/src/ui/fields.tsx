import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';

interface FieldShellProps {
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  children: (aria: { 'aria-describedby'?: string; 'aria-invalid'?: true }) => ReactNode;
}

/** Label, hint and error message around one control, wired with aria-describedby and aria-invalid. */
function FieldShell({ id, label, hint, error, children }: FieldShellProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ');
  return (
    <div className={error ? 'field field--error' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
      {children({
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(error ? { 'aria-invalid': true as const } : {}),
      })}
    </div>
  );
}

interface CommonProps {
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
}

type InputProps = CommonProps & Omit<InputHTMLAttributes<HTMLInputElement>, 'id'>;

export function TextField({ id, label, hint, error, ...input }: InputProps) {
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      {(aria) => <input id={id} name={id} type="text" {...input} {...aria} />}
    </FieldShell>
  );
}

type TextAreaProps = CommonProps & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'>;

export function TextAreaField({ id, label, hint, error, ...textarea }: TextAreaProps) {
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      {(aria) => <textarea id={id} name={id} rows={5} {...textarea} {...aria} />}
    </FieldShell>
  );
}

type SelectProps = CommonProps & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'>;

export function SelectField({ id, label, hint, error, children, ...select }: SelectProps) {
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      {(aria) => (
        <select id={id} name={id} {...select} {...aria}>
          {children}
        </select>
      )}
    </FieldShell>
  );
}
