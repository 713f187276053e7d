import type { ImportRowError } from '@commons/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api';
import { announce } from '../app/LiveAnnouncer';
import { ErrorSummary } from '../ui/ErrorSummary';
import { TextField } from '../ui/fields';
import { fromError, noErrors, type FormErrors } from '../ui/form';
import { Page } from '../ui/Page';
import { SuccessMessage } from '../ui/SuccessMessage';
import { importResources } from './api';
import './library.css';

function rowErrorsOf(error: unknown): ImportRowError[] {
  if (!(error instanceof ApiError)) return [];
  const details = error.details as { rows?: ImportRowError[] } | undefined;
  return Array.isArray(details?.rows) ? details.rows : [];
}

/** /library/import — administrators import resources from a CSV file, all rows or none. */
export function ImportPage() {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [rows, setRows] = useState<ImportRowError[]>([]);
  const [done, setDone] = useState<number | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (busy) return;
    setDone(null);
    setRows([]);
    if (!file) {
      setErrors({ summary: [{ field: 'csv', message: t('hub.import.file') }], fields: { csv: t('hub.import.file') } });
      return;
    }
    setBusy(true);
    try {
      const result = await importResources(file);
      setErrors(noErrors);
      setDone(result.imported);
      announce(t('hub.import.done', { count: result.imported }));
    } catch (error) {
      setRows(rowErrorsOf(error));
      setErrors(fromError(error, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title={t('hub.import.title')}>
      <p>{t('hub.import.intro')}</p>
      <ErrorSummary items={errors.summary} />
      {done !== null && <SuccessMessage>{t('hub.import.done', { count: done })}</SuccessMessage>}
      <form className="form" noValidate onSubmit={(e) => void onSubmit(e)}>
        <TextField
          id="csv"
          type="file"
          accept=".csv,text/csv"
          label={t('hub.import.file')}
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          error={errors.fields.csv}
        />
        <p className="actions">
          <button type="submit" className="button" aria-disabled={busy}>
            {busy ? t('hub.import.sending') : t('hub.import.send')}
          </button>
        </p>
      </form>
      {rows.length > 0 && (
        <section aria-labelledby="row-errors">
          <h2 id="row-errors">{t('hub.import.rowErrors')}</h2>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('hub.import.row')}</th>
                <th scope="col">{t('hub.import.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.row}>
                  <th scope="row">{r.row}</th>
                  <td>
                    {Object.entries(r.fieldErrors)
                      .map(([field, messages]) => t('hub.import.fieldProblem', { field, message: messages.join('; ') }))
                      .join(' · ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </Page>
  );
}
