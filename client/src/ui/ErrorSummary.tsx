import { useEffect, useId, useRef, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SummaryItem } from './form';

function focusField(event: MouseEvent<HTMLAnchorElement>, field: string): void {
  const target = document.getElementById(field);
  if (!target) return;
  event.preventDefault();
  target.focus();
  target.scrollIntoView({ block: 'center' });
}

/** Shown above a form after a failed submit; takes focus and is announced. Links jump to the fields. */
export function ErrorSummary({ items }: { items: SummaryItem[] }) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const titleId = useId();

  useEffect(() => {
    if (items.length > 0) box.current?.focus();
  }, [items]);

  if (items.length === 0) return null;
  return (
    <div ref={box} className="error-summary" role="alert" tabIndex={-1} aria-labelledby={titleId}>
      <h2 id={titleId} className="error-summary__title">
        {t('errors.summaryTitle')}
      </h2>
      <ul>
        {items.map((item) => (
          <li key={`${item.field ?? ''}:${item.message}`}>
            {item.field ? (
              <a href={`#${item.field}`} onClick={(event) => focusField(event, item.field ?? '')}>
                {item.message}
              </a>
            ) : (
              item.message
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
