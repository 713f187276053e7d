import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ClientErrorCode } from '../api';
import { Loading } from '../ui/Page';

/*
 * The pieces every console page repeats: the error of the last action, a checkbox setting with its
 * hint, and a list table (loading, empty, or rows whose cells carry their column's name for the
 * narrow layout, where each row reads as a card).
 */

/** The last failure on the page, in words (nothing when there is none). */
export function ErrorNotice({ code }: { code: ClientErrorCode | null | undefined }) {
  const { t } = useTranslation();
  if (!code) return null;
  return (
    <p className="notice notice--error" role="alert">
      {t(`errors.${code}`)}
    </p>
  );
}

/** One on/off setting: the box, its label, and a hint the box is described by. */
export function CheckField(props: {
  id: string;
  label: string;
  hint: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <div className="check-field">
      <input
        id={props.id}
        type="checkbox"
        aria-describedby={`${props.id}-hint`}
        checked={props.checked}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <div>
        <label htmlFor={props.id}>{props.label}</label>
        <p id={`${props.id}-hint`} className="field__hint">
          {props.hint}
        </p>
      </div>
    </div>
  );
}

export interface Column<T> {
  label: string;
  cell: (row: T) => ReactNode;
  className?: string;
}

/**
 * A console list: `rows` null while loading (unless `failed`), the `empty` words for none, else a
 * table with a caption for screen readers and one column per entry of `columns`.
 */
export function AdminTable<T>(props: {
  caption: string;
  empty: string;
  rows: T[] | null;
  failed?: boolean;
  rowKey: (row: T) => string;
  columns: Column<T>[];
}) {
  const { rows, columns } = props;
  if (rows === null) return props.failed ? null : <Loading />;
  if (rows.length === 0) return <p className="empty">{props.empty}</p>;
  return (
    <table className="mod-table">
      <caption className="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.label} scope="col">
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={props.rowKey(row)}>
            {columns.map((c) => (
              <td key={c.label} data-label={c.label} className={c.className}>
                {c.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
