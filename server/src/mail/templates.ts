import type { MailJob } from '@commons/shared';
import type { OutgoingMail } from '../infra/mail.js';
import { formatDateTime, translator } from '../infra/i18n.js';
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
};

export function renderMail(job: MailJob, site: Site): OutgoingMail {
  const render = renderers[job.kind] as (j: MailJob, s: Site) => OutgoingMail;
  return render(job, site);
}
