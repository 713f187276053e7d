import { webhookEventTypes, type Webhook, type WebhookEventType } from '@commons/shared';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError, type ClientErrorCode } from '../api';
import { CheckboxGroup } from '../library/CheckboxGroup';
import { ErrorSummary } from '../ui/ErrorSummary';
import { TextField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { Page } from '../ui/Page';
import { SuccessMessage } from '../ui/SuccessMessage';
import '../moderation/moderation.css';
import { AdminNav } from './AdminNav';
import { AdminTable, ErrorNotice } from './parts';
import { createWebhook, listWebhooks, testWebhook, updateWebhook } from './api';

/** `/admin/webhooks`: outgoing webhooks: add one, send a test delivery, turn one off or on. */
export function WebhooksPage() {
  const { t } = useTranslation();
  const [webhooks, setWebhooks] = useState<Webhook[] | null>(null);
  const [problem, setProblem] = useState<ClientErrorCode | null>(null);
  const [message, setMessage] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<WebhookEventType[]>([]);
  const form = useFormSubmit(t);

  useEffect(() => {
    const controller = new AbortController();
    listWebhooks(controller.signal).then(setWebhooks, (error: unknown) => {
      if (!controller.signal.aborted) setProblem(isApiError(error) ? error.code : 'internal');
    });
    return () => controller.abort();
  }, []);

  async function act(work: () => Promise<string>): Promise<void> {
    setProblem(null);
    setMessage('');
    try {
      setMessage(await work());
    } catch (error) {
      setProblem(isApiError(error) ? error.code : 'internal');
    }
  }

  const toggle = (w: Webhook) =>
    act(async () => {
      const updated = await updateWebhook(w.id, { active: !w.active });
      setWebhooks((list) => list?.map((x) => (x.id === w.id ? updated : x)) ?? null);
      return t(updated.active ? 'adminWebhooks.turnedOn' : 'adminWebhooks.turnedOff', { url: w.url });
    });
  const test = (w: Webhook) =>
    act(async () => {
      await testWebhook(w.id);
      return t('adminWebhooks.testQueued', { url: w.url });
    });

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setMessage('');
    setSecret(null);
    void form.submit({
      validate: () => ({
        'webhook-url': URL.canParse(url.trim()) ? undefined : t('adminWebhooks.urlInvalid'),
        'webhook-events': events.length ? undefined : t('adminWebhooks.eventsRequired'),
      }),
      action: async () => {
        const created = await createWebhook({
          url: url.trim(),
          events,
          ...(description.trim() ? { description: description.trim() } : {}),
        });
        setWebhooks((list) => [created.webhook, ...(list ?? [])]);
        setSecret(created.secret);
        setUrl('');
        setDescription('');
        setEvents([]);
      },
      codeFields: { validation_failed: 'webhook-url' },
    });
  }

  return (
    <Page title={t('adminWebhooks.title')}>
      <AdminNav />
      <p className="lead">{t('adminWebhooks.intro')}</p>
      <SuccessMessage>{message}</SuccessMessage>
      <SuccessMessage>{secret && t('adminWebhooks.created')}</SuccessMessage>
      {secret && (
        <p className="panel admin-panel">
          {t('adminWebhooks.secret')} <code>{secret}</code>
        </p>
      )}
      <ErrorNotice code={problem} />
      <section className="panel admin-panel" aria-labelledby="webhook-form-heading">
        <h2 id="webhook-form-heading">{t('adminWebhooks.newHeading')}</h2>
        <ErrorSummary items={form.errors.summary} />
        <form className="form" noValidate onSubmit={onSubmit}>
          <TextField
            id="webhook-url"
            type="url"
            label={t('adminWebhooks.url')}
            hint={t('adminWebhooks.urlHint')}
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            error={form.errors.fields['webhook-url']}
          />
          <TextField
            id="webhook-description"
            label={t('adminWebhooks.description')}
            value={description}
            maxLength={200}
            onChange={(e) => setDescription(e.target.value)}
          />
          <CheckboxGroup
            id="webhook-events"
            legend={t('adminWebhooks.events')}
            values={webhookEventTypes}
            labelOf={(e) => t(`adminWebhooks.eventTypes.${e.replace('.', '_') as 'thread_created'}`)}
            selected={events}
            onChange={setEvents}
            error={form.errors.fields['webhook-events']}
          />
          <button type="submit" className="button" aria-disabled={form.submitting}>
            {t('adminWebhooks.create')}
          </button>
        </form>
      </section>
      <AdminTable
        caption={t('adminWebhooks.caption')}
        empty={t('adminWebhooks.empty')}
        rows={webhooks}
        failed={problem !== null}
        rowKey={(w) => w.id}
        columns={[
          {
            label: t('adminWebhooks.url'),
            className: 'admin-wrap',
            cell: (w) => (
              <>
                {w.url}
                {w.description && (
                  <>
                    <br />
                    {w.description}
                  </>
                )}
              </>
            ),
          },
          {
            label: t('adminWebhooks.events'),
            cell: (w) =>
              w.events.map((e) => t(`adminWebhooks.eventTypes.${e.replace('.', '_') as 'thread_created'}`)).join(', '),
          },
          {
            label: t('adminWebhooks.status'),
            cell: (w) => (
              <>
                {w.active ? t('adminWebhooks.active') : t('adminWebhooks.off')}
                {w.consecutiveFailures > 0 && <> {t('adminWebhooks.failures', { count: w.consecutiveFailures })}</>}
              </>
            ),
          },
          {
            label: t('adminWebhooks.actions'),
            cell: (w) => (
              <div className="admin-actions">
                {w.active && (
                  <button type="button" className="link-button" onClick={() => void test(w)}>
                    {t('adminWebhooks.test')}
                  </button>
                )}
                <button type="button" className="link-button" onClick={() => void toggle(w)}>
                  {w.active ? t('adminWebhooks.turnOff') : t('adminWebhooks.turnOn')}
                </button>
              </div>
            ),
          },
        ]}
      />
    </Page>
  );
}
