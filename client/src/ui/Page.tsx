import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';

/** The path whose heading last took focus; null until the first page has shown. */
let lastPath: string | null = null;

interface PageProps {
  /** The page's one h1, also used for document.title. */
  title: string;
  children?: ReactNode;
}

/**
 * Every page renders through this: one h1, the document title, and focus management:
 * after a client-side navigation, focus moves to the new page's heading so screen reader
 * and keyboard users start at the top of the new content. The first page load keeps the
 * browser's default focus.
 */
export function Page({ title, children }: PageProps) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  const { pathname } = useLocation();

  useEffect(() => {
    document.title = t('common.pageTitle', { page: title, site: t('app.name') });
  }, [t, title]);

  useEffect(() => {
    if (lastPath !== null && lastPath !== pathname) heading.current?.focus();
    lastPath = pathname;
  }, [pathname]);

  return (
    <>
      <h1 ref={heading} tabIndex={-1} className="page-title">
        {title}
      </h1>
      {children}
    </>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status">
      {t('common.loading')}
    </p>
  );
}
