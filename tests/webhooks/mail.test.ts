import { renderMail } from '@commons/server/mail/templates';
import { describe, expect, it } from 'vitest';

const site = { name: 'Commons', url: 'https://commons.example' };
const job = {
  kind: 'webhook_disabled' as const,
  memberId: 'm1',
  to: 'admin@example.org',
  displayName: 'Rosa',
  webhookUrl: 'https://hooks.example/in',
  failures: 10,
  lastError: 'The receiver answered 503.',
  settingsUrl: 'https://commons.example/api/webhooks/abc/deliveries',
};

describe('the webhook-disabled mail', () => {
  it('tells the admin in English and in Spanish (usted)', () => {
    const en = renderMail({ ...job, locale: 'en' }, site);
    expect(en.subject).toBe('A webhook on Commons was turned off');
    expect(en.text).toContain('failed 10 deliveries in a row');
    expect(en.text).toContain('The receiver answered 503.');
    expect(en.text).toContain(job.settingsUrl);

    const es = renderMail({ ...job, locale: 'es' }, site);
    expect(es.subject).toBe('Se desactivó un webhook en Commons');
    expect(es.text).toContain('falló 10 entregas seguidas');
    expect(es.text).toContain('Compruebe');
    expect(`${en.text}${es.text}${es.html}`).not.toContain('email.webhookDisabled');
  });
});
