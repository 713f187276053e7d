import type { HubHomeResponse } from '@commons/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useLoad } from '../ui/load';
import { fetchHubHome } from './api';

interface Item {
  id: string;
  title: string;
  to: string;
}

function ItemLinks({ id, title, empty, items }: { id: string; title: string; empty: string; items: Item[] }) {
  return (
    <section className="panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {items.length === 0 ? (
        <p className="empty">{empty}</p>
      ) : (
        <ul className="recent-list">
          {items.map((item) => (
            <li key={item.id}>
              <Link to={item.to}>{item.title}</Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const resourceItems = (list: HubHomeResponse['featured']): Item[] =>
  list.map((r) => ({ id: r.id, title: r.title, to: `/library/${r.id}` }));
const storyItems = (list: HubHomeResponse['featuredStories']): Item[] =>
  list.map((s) => ({ id: s.id, title: s.title, to: `/stories/${s.id}` }));

/** Home page panels: featured stories and resources, and what followed members shared lately. */
export function HubHome() {
  const { t } = useTranslation();
  const [data, setData] = useState<HubHomeResponse | null>(null);
  const state = useLoad('hub-home', async (signal) => setData(await fetchHubHome(signal)));
  if (state.status !== 'loaded' || !data) return null;
  return (
    <>
      <ItemLinks
        id="featured-stories"
        title={t('hub.home.featuredStories')}
        empty={t('hub.home.noFeaturedStories')}
        items={storyItems(data.featuredStories)}
      />
      <ItemLinks
        id="featured-resources"
        title={t('hub.home.featured')}
        empty={t('hub.home.noFeatured')}
        items={resourceItems(data.featured)}
      />
      <ItemLinks
        id="followed-resources"
        title={t('hub.home.fromFollowed')}
        empty={t('hub.home.noFromFollowed')}
        items={[...storyItems(data.storiesFromFollowed), ...resourceItems(data.fromFollowed)]}
      />
      <p>
        <Link to="/library">{t('hub.home.browse')}</Link>
      </p>
    </>
  );
}
