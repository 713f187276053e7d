import { csvProblems, locales, type CsvProblem, type Invitation, type Locale } from '@commons/shared';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError, type ClientErrorCode } from '../api';
import { useFormatDate } from '../i18n/format';
import { ErrorSummary } from '../ui/ErrorSummary';
import { SelectField, TextField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { Page } from '../ui/Page';
import { SuccessMessage } from '../ui/SuccessMessage';
import '../moderation/moderation.css';
import { AdminNav } from './AdminNav';
import { AdminTable, ErrorNotice } from './parts';
import { invite, inviteFromCsv, listInvitations, resendInvitation, withdrawInvitation } from './api';

/** `details.lines` of a refused CSV file: which line, and why. */
function csvLines(error: unknown): { line: number; problem: CsvProblem }[] {
  if (!isApiError(error) || typeof error.details !== 'object' || error.details === null) return [];
  const lines = (error.details as { lines?: unknown }).lines;
  if (!Array.isArray(lines)) return [];
  return lines.filter(
    (l): l is { line: number; problem: CsvProblem } =>
      typeof l === 'object' && l !== null && csvProblems.includes((l as { problem: CsvProblem }).problem),
  );
}

/** `/admin/invitations`: invite one person or everyone of a CSV file; see who accepted. */
export function InvitationsPage() {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const [invitations, setInvitations] = useState<Invitation[] | null>(null);
  const [loadError, setLoadError] = useState<ClientErrorCode | null>(null);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [locale, setLocale] = useState<Locale>('en');
  const [file, setFile] = useState<File | null>(null);
  const [csvLocale, setCsvLocale] = useState<Locale>('en');
  const [badLines, setBadLines] = useState<{ line: number; problem: CsvProblem }[]>([]);
  const [done, setDone] = useState('');
  const [actionError, setActionError] = useState<ClientErrorCode | null>(null);
  const one = useFormSubmit(t);
  const csv = useFormSubmit(t);

  useEffect(() => {
    const controller = new AbortController();
    listInvitations(controller.signal).then(setInvitations, (error: unknown) => {
      if (!controller.signal.aborted) setLoadError(isApiError(error) ? error.code : 'internal');
    });
    return () => controller.abort();
  }, []);

  function onInvite(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setDone('');
    void one.submit({
      validate: () => ({
        'invite-name': name.trim().length >= 2 ? undefined : t('adminInvitations.nameRequired'),
        'invite-email': /^\S+@\S+\.\S+$/.test(email.trim()) ? undefined : t('validation.emailInvalid'),
      }),
      action: async () => {
        const created = await invite({ name: name.trim(), email: email.trim(), locale });
        setInvitations((list) => [created, ...(list ?? [])]);
        setDone(t('adminInvitations.sentOne', { email: created.email }));
        setName('');
        setEmail('');
      },
      codeFields: { email_taken: 'invite-email' },
    });
  }

  async function withdraw(i: Invitation): Promise<void> {
    setDone('');
    setActionError(null);
    try {
      const updated = await withdrawInvitation(i.id);
      setInvitations((list) => list?.map((x) => (x.id === i.id ? updated : x)) ?? null);
      setDone(t('adminInvitations.withdrawn', { name: i.name }));
    } catch (error) {
      setActionError(isApiError(error) ? error.code : 'internal');
    }
  }

  async function resend(i: Invitation): Promise<void> {
    setDone('');
    setActionError(null);
    try {
      const created = await resendInvitation(i.id);
      setInvitations((list) => [created, ...(list ?? []).filter((x) => x.id !== i.id)]);
      setDone(t('adminInvitations.resent', { email: created.email }));
    } catch (error) {
      setActionError(isApiError(error) ? error.code : 'internal');
    }
  }

  function onCsv(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setDone('');
    setBadLines([]);
    void csv.submit({
      validate: () => ({ 'invite-csv': file ? undefined : t('adminInvitations.fileRequired') }),
      action: async () => {
        try {
          const created = await inviteFromCsv({ csv: await file!.text(), locale: csvLocale });
          setInvitations((list) => [...created, ...(list ?? [])]);
          setDone(t('adminInvitations.sentMany', { count: created.length }));
        } catch (error) {
          setBadLines(csvLines(error));
          throw error;
        }
      },
    });
  }

  const languageOptions = locales.map((l) => (
    <option key={l} value={l}>
      {t(`adminInvitations.languages.${l}`)}
    </option>
  ));

  return (
    <Page title={t('adminInvitations.title')}>
      <AdminNav />
      <p className="lead">{t('adminInvitations.intro')}</p>
      <SuccessMessage>{done}</SuccessMessage>
      <div className="settings-stack">
        <section className="panel" aria-labelledby="invite-one-heading">
          <h2 id="invite-one-heading">{t('adminInvitations.oneHeading')}</h2>
          <ErrorSummary items={one.errors.summary} />
          <form className="form" noValidate onSubmit={onInvite}>
            <TextField
              id="invite-name"
              label={t('adminInvitations.name')}
              value={name}
              onChange={(e) => setName(e.target.value)}
              error={one.errors.fields['invite-name']}
            />
            <TextField
              id="invite-email"
              type="email"
              label={t('adminInvitations.email')}
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              error={one.errors.fields['invite-email']}
            />
            <SelectField
              id="invite-locale"
              label={t('adminInvitations.language')}
              value={locale}
              onChange={(e) => setLocale(e.target.value as Locale)}
            >
              {languageOptions}
            </SelectField>
            <button type="submit" className="button" aria-disabled={one.submitting}>
              {t('adminInvitations.sendOne')}
            </button>
          </form>
        </section>
        <section className="panel" aria-labelledby="invite-csv-heading">
          <h2 id="invite-csv-heading">{t('adminInvitations.csvHeading')}</h2>
          <p>{t('adminInvitations.csvExplain')}</p>
          <ErrorSummary items={csv.errors.summary} />
          {badLines.length > 0 && (
            <ul className="notice notice--error">
              {badLines.map((l) => (
                <li key={`${l.line}-${l.problem}`}>
                  {l.line === 0
                    ? t(`adminInvitations.problems.${l.problem}`)
                    : t('adminInvitations.lineProblem', {
                        line: l.line,
                        problem: t(`adminInvitations.problems.${l.problem}`),
                      })}
                </li>
              ))}
            </ul>
          )}
          <form className="form" noValidate onSubmit={onCsv}>
            <div className={csv.errors.fields['invite-csv'] ? 'field field--error' : 'field'}>
              <label htmlFor="invite-csv">{t('adminInvitations.file')}</label>
              {csv.errors.fields['invite-csv'] && (
                <p id="invite-csv-error" className="field__error">
                  {csv.errors.fields['invite-csv']}
                </p>
              )}
              <input
                id="invite-csv"
                type="file"
                accept=".csv,text/csv"
                aria-describedby={csv.errors.fields['invite-csv'] ? 'invite-csv-error' : undefined}
                onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              />
            </div>
            <SelectField
              id="invite-csv-locale"
              label={t('adminInvitations.csvLanguage')}
              value={csvLocale}
              onChange={(e) => setCsvLocale(e.target.value as Locale)}
            >
              {languageOptions}
            </SelectField>
            <button type="submit" className="button" aria-disabled={csv.submitting}>
              {t('adminInvitations.sendCsv')}
            </button>
          </form>
        </section>
      </div>
      <h2>{t('adminInvitations.listHeading')}</h2>
      <ErrorNotice code={loadError ?? actionError} />
      <AdminTable
        caption={t('adminInvitations.caption')}
        empty={t('adminInvitations.empty')}
        rows={invitations}
        failed={loadError !== null}
        rowKey={(i) => i.id}
        columns={[
          { label: t('adminInvitations.name'), cell: (i) => i.name },
          { label: t('adminInvitations.email'), cell: (i) => i.email },
          { label: t('adminInvitations.status'), cell: (i) => t(`adminInvitations.statuses.${i.status}`) },
          { label: t('adminInvitations.expires'), cell: (i) => formatDate(i.expiresAt, { dateStyle: 'medium' }) },
          {
            label: t('adminInvitations.actions'),
            cell: (i) =>
              i.status !== 'accepted' && (
                <div className="actions">
                  {i.status === 'pending' && (
                    <button
                      type="button"
                      className="link-button"
                      aria-label={t('adminInvitations.withdrawOne', { name: i.name })}
                      onClick={() => void withdraw(i)}
                    >
                      {t('adminInvitations.withdraw')}
                    </button>
                  )}
                  <button
                    type="button"
                    className="link-button"
                    aria-label={t('adminInvitations.resendOne', { name: i.name })}
                    onClick={() => void resend(i)}
                  >
                    {t('adminInvitations.resend')}
                  </button>
                </div>
              ),
          },
        ]}
      />
    </Page>
  );
}
