import type { Category } from '@commons/shared';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Loading, Page } from '../ui/Page';
import { fetchCategories } from './api';
import { useLoad } from '../ui/load';
import { useForums } from './store';
import { UnreadBadge } from './ui';

function CategoryItem({ category }: { category: Category }) {
  const { t } = useTranslation();
  return (
    <li className="card">
      <h2 className="card__title">
        <Link to={`/forums/c/${category.slug}`}>{category.name}</Link>
      </h2>
      {category.description && <p>{category.description}</p>}
      <p className="meta">
        {t('forums.categories.threadCount', { count: category.threadCount })}{' '}
        <UnreadBadge
          count={category.unreadThreadCount}
          label={t('forums.categories.unreadThreads', { count: category.unreadThreadCount })}
        />
      </p>
    </li>
  );
}

/** /forums — the categories. */
export function ForumsPage() {
  const { t } = useTranslation();
  const categories = useForums((s) => s.categories);
  const state = useLoad('categories', async (signal) => {
    useForums.getState().setCategories(await fetchCategories(signal));
  });
  const visible = categories?.filter((c) => !c.archived) ?? [];
  return (
    <Page title={t('forums.categories.title')}>
      <p className="lead">{t('forums.categories.intro')}</p>
      {state.status === 'failed' && <p className="notice notice--error">{t(`errors.${state.code}`)}</p>}
      {state.status === 'loading' && !categories && <Loading />}
      {categories &&
        (visible.length === 0 ? (
          <p className="empty">{t('forums.categories.empty')}</p>
        ) : (
          <ul className="cards">
            {visible.map((category) => (
              <CategoryItem key={category.id} category={category} />
            ))}
          </ul>
        ))}
    </Page>
  );
}
