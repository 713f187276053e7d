import type { MailJob } from '@commons/shared';
import type { OutgoingMail } from '../infra/mail.js';
import { formatDateTime, translator } from '../infra/i18n.js';
import { labMailRenderers } from '../labs/mail.js';
import { renderLayout } from './layout.js';

type Renderers = { [K in MailJob['kind']]: (job: Extract<MailJob, { kind: K }>, site: Site) => OutgoingMail };
export interface Site {
  name: string;
  url: string;
}

/** One renderer per mail kind, each in the recipient's language. */
const renderers: Renderers = {
  password_reset(job, site) {
    const t = translator(job.locale);
    const expires = formatDateTime(new Date(job.expiresAt), job.locale, job.timeZone);
    const { html, text } = renderLayout(
      {
        locale: job.locale,
        title: t('email.passwordReset.subject', { site: site.name }),
        paragraphs: [
          t('email.passwordReset.greeting', { name: job.displayName }),
          t('email.passwordReset.body', { expires }),
        ],
        action: { label: t('email.passwordReset.action'), url: job.resetUrl },
        after: [t('email.passwordReset.ignore')],
      },
      site,
    );
    return { to: job.to, subject: t('email.passwordReset.subject', { site: site.name }), html, text };
  },
  welcome(job, site) {
    const t = translator(job.locale);
    const { html, text } = renderLayout(
      {
        locale: job.locale,
        title: t('email.welcome.subject', { site: site.name }),
        paragraphs: [t('email.welcome.greeting', { name: job.displayName }), t('email.welcome.body')],
        action: { label: t('email.welcome.action', { site: site.name }), url: job.siteUrl },
      },
      site,
    );
    return { to: job.to, subject: t('email.welcome.subject', { site: site.name }), html, text };
  },
  moderation_alert(job, site) {
    const t = translator(job.locale);
    const subject = t('email.moderationAlert.subject', { site: site.name });
    const { html, text } = renderLayout(
      {
        locale: job.locale,
        title: subject,
        paragraphs: [
          t('email.moderationAlert.greeting', { name: job.displayName }),
          t('email.moderationAlert.body', { reason: job.reason }),
        ],
        action: { label: t('email.moderationAlert.action'), url: job.reviewUrl },
      },
      site,
    );
    return { to: job.to, subject, html, text };
  },
  webhook_disabled(job, site) {
    const t = translator(job.locale);
    const subject = t('email.webhookDisabled.subject', { site: site.name });
    const { html, text } = renderLayout(
      {
        locale: job.locale,
        title: subject,
        paragraphs: [
          t('email.webhookDisabled.greeting', { name: job.displayName }),
          t('email.webhookDisabled.body', {
            url: job.webhookUrl,
            failures: job.failures,
            site: site.name,
            error: job.lastError,
          }),
          t('email.webhookDisabled.next'),
        ],
        action: { label: t('email.webhookDisabled.action'), url: job.settingsUrl },
      },
      site,
    );
    return { to: job.to, subject, html, text };
  },
  ...labMailRenderers,
};

export function renderMail(job: MailJob, site: Site): OutgoingMail {
  const render = renderers[job.kind] as (j: MailJob, s: Site) => OutgoingMail;
  return render(job, site);
}
