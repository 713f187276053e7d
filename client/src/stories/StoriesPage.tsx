import { resourceTopics } from '@commons/shared';
import { type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useCursorList } from '../ui/load';
import { SelectField } from '../ui/fields';
import { ListBody } from '../ui/ListBody';
import { Page } from '../ui/Page';
import { listStories } from './api';
import { StoryCard } from './StoryCard';
import '../library/library.css';

/** /stories — stories of local innovation, newest first. */
export function StoriesPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const query = new URLSearchParams();
  const topic = params.get('topic');
  if (topic && (resourceTopics as readonly string[]).includes(topic)) query.set('topic', topic);
  if (params.get('featured') === 'true') query.set('featured', 'true');
  const key = query.toString();
  const list = useCursorList(key, async (q, signal) => {
    const page = await listStories(q, signal);
    return { items: page.stories, nextCursor: page.nextCursor };
  });

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    const chosen = String(data.get('topic') ?? '');
    if (chosen) next.set('topic', chosen);
    if (data.get('featured')) next.set('featured', 'true');
    setParams(next);
  }

  return (
    <Page title={t('hub.stories.title')}>
      <p className="lead">{t('hub.stories.intro')}</p>
      <p className="actions">
        <Link to="/stories/new" className="button">
          {t('hub.stories.write')}
        </Link>
      </p>
      <form className="form" onSubmit={onSubmit} key={key}>
        <SelectField id="topic" label={t('hub.stories.topic')} defaultValue={query.get('topic') ?? ''}>
          <option value="">{t('hub.stories.allTopics')}</option>
          {resourceTopics.map((x) => (
            <option key={x} value={x}>
              {t(`hub.topics.${x}`)}
            </option>
          ))}
        </SelectField>
        <div className="checkbox">
          <input type="checkbox" id="featured" name="featured" defaultChecked={query.get('featured') === 'true'} />
          <label htmlFor="featured">{t('hub.stories.featuredOnly')}</label>
        </div>
        <p className="actions">
          <button type="submit" className="button button--secondary">
            {t('hub.stories.filter')}
          </button>
        </p>
      </form>
      <ListBody list={list} empty={t('hub.stories.empty')} moreLabel={t('hub.stories.loadMore')}>
        {list.items.map((s) => (
          <StoryCard key={s.id} story={s} />
        ))}
      </ListBody>
    </Page>
  );
}
