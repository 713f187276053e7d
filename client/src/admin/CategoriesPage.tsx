import type { Category } from '@commons/shared';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { siteSettings } from '../account/api';
import { isApiError, type ClientErrorCode } from '../api';
import { ErrorSummary } from '../ui/ErrorSummary';
import { TextAreaField, TextField } from '../ui/fields';
import { useFormSubmit } from '../ui/form';
import { Loading, Page } from '../ui/Page';
import { SuccessMessage } from '../ui/SuccessMessage';
import '../moderation/moderation.css';
import { AdminNav } from './AdminNav';
import { ErrorNotice } from './parts';
import { allCategories, createCategory, updateCategory } from './api';

const byPosition = (a: Category, b: Category) => a.position - b.position || a.name.localeCompare(b.name);

/**
 * `/admin/categories`: the site-wide forum categories: create, rename, order, archive, and open
 * to visitors (readable without an account while the site's public face is on).
 */
export function CategoriesPage() {
  const { t } = useTranslation();
  const [categories, setCategories] = useState<Category[] | null>(null);
  const [problem, setProblem] = useState<ClientErrorCode | null>(null);
  const [message, setMessage] = useState('');
  const [editing, setEditing] = useState<Category | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [openNew, setOpenNew] = useState(false);
  const [publicFace, setPublicFace] = useState<boolean | null>(null);
  const form = useFormSubmit(t);

  useEffect(() => {
    const controller = new AbortController();
    // Only to say whether open categories are readable right now; the page works without it.
    siteSettings(controller.signal).then(
      (settings) => setPublicFace(settings.publicFace),
      () => undefined,
    );
    return () => controller.abort();
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    allCategories(controller.signal).then(
      (list) => setCategories(list.filter((c) => c.coalitionId === null).sort(byPosition)),
      (error: unknown) => {
        if (!controller.signal.aborted) setProblem(isApiError(error) ? error.code : 'internal');
      },
    );
    return () => controller.abort();
  }, []);

  const replace = (updated: Category[]) =>
    setCategories((list) => (list ?? []).map((c) => updated.find((u) => u.id === c.id) ?? c).sort(byPosition));

  async function act(work: () => Promise<string>): Promise<void> {
    setProblem(null);
    setMessage('');
    try {
      setMessage(await work());
    } catch (error) {
      setProblem(isApiError(error) ? error.code : 'internal');
    }
  }

  /** Moves a category one place up or down: positions are renumbered 0, 1, 2… in the new order. */
  const move = (index: number, by: -1 | 1) =>
    act(async () => {
      const list = [...(categories ?? [])];
      const [moved] = list.splice(index, 1);
      list.splice(index + by, 0, moved!);
      const changed = await Promise.all(
        list.map((c, position) => (c.position === position ? c : updateCategory(c.id, { position }))),
      );
      replace(changed);
      return t('adminCategories.moved', { name: moved!.name, position: index + by + 1 });
    });

  const archive = (c: Category, archived: boolean) =>
    act(async () => {
      replace([await updateCategory(c.id, { archived })]);
      return t(archived ? 'adminCategories.archived' : 'adminCategories.restored', { name: c.name });
    });

  const setOpen = (c: Category, open: boolean) =>
    act(async () => {
      replace([await updateCategory(c.id, { public: open })]);
      return t(open ? 'adminCategories.madePublic' : 'adminCategories.madeMembersOnly', { name: c.name });
    });

  function startEdit(c: Category | null): void {
    setEditing(c);
    setName(c?.name ?? '');
    setDescription(c?.description ?? '');
  }

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setMessage('');
    void form.submit({
      validate: () => ({ 'category-name': name.trim().length >= 2 ? undefined : t('adminCategories.nameRequired') }),
      action: async () => {
        if (editing) {
          replace([await updateCategory(editing.id, { name: name.trim(), description: description.trim() })]);
          setMessage(t('adminCategories.saved', { name: name.trim() }));
        } else {
          const created = await createCategory({
            name: name.trim(),
            description: description.trim(),
            public: openNew,
          });
          setOpenNew(false);
          setCategories((list) => [...(list ?? []), created].sort(byPosition));
          setMessage(t('adminCategories.created', { name: created.name }));
        }
        startEdit(null);
      },
      codeFields: { conflict: 'category-name' },
    });
  }

  return (
    <Page title={t('adminCategories.title')}>
      <AdminNav />
      <p className="lead">{t('adminCategories.intro')}</p>
      <SuccessMessage>{message}</SuccessMessage>
      <ErrorNotice code={problem} />
      <section className="panel admin-panel" aria-labelledby="category-form-heading">
        <h2 id="category-form-heading">
          {editing ? t('adminCategories.editHeading', { name: editing.name }) : t('adminCategories.newHeading')}
        </h2>
        <ErrorSummary items={form.errors.summary} />
        <form className="form" noValidate onSubmit={onSubmit}>
          <TextField
            id="category-name"
            label={t('adminCategories.name')}
            value={name}
            maxLength={80}
            onChange={(e) => setName(e.target.value)}
            error={form.errors.fields['category-name']}
          />
          <TextAreaField
            id="category-description"
            rows={3}
            label={t('adminCategories.description')}
            value={description}
            maxLength={500}
            onChange={(e) => setDescription(e.target.value)}
          />
          {!editing && (
            <div className="check-row">
              <input
                id="category-public"
                type="checkbox"
                checked={openNew}
                onChange={(e) => setOpenNew(e.target.checked)}
              />
              <label htmlFor="category-public">{t('adminCategories.openToVisitorsNew')}</label>
            </div>
          )}
          <div className="admin-actions">
            <button type="submit" className="button" aria-disabled={form.submitting}>
              {editing ? t('adminCategories.save') : t('adminCategories.create')}
            </button>
            {editing && (
              <button type="button" className="button button--secondary" onClick={() => startEdit(null)}>
                {t('common.cancel')}
              </button>
            )}
          </div>
        </form>
      </section>
      <section className="panel admin-panel" aria-labelledby="visitors-heading">
        <h2 id="visitors-heading">{t('adminCategories.visitorsHeading')}</h2>
        <p>{t('adminCategories.visitorsExplain')}</p>
        {publicFace !== null && (
          <p>
            {publicFace ? t('adminCategories.visitorsFaceOn') : t('adminCategories.visitorsFaceOff')}{' '}
            <Link to="/admin/settings">{t('siteAdmin.nav')}</Link>
          </p>
        )}
      </section>
      {!categories && !problem && <Loading />}
      {categories && (
        <table className="mod-table">
          <caption className="visually-hidden">{t('adminCategories.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('adminCategories.order')}</th>
              <th scope="col">{t('adminCategories.name')}</th>
              <th scope="col">{t('adminCategories.threads')}</th>
              <th scope="col">{t('adminCategories.openLabel')}</th>
              <th scope="col">{t('adminCategories.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {categories.map((c, i) => (
              <tr key={c.id}>
                <td data-label={t('adminCategories.order')}>{i + 1}</td>
                <td data-label={t('adminCategories.name')}>
                  {c.name}
                  {c.archived && <> ({t('adminCategories.archivedLabel')})</>}
                </td>
                <td data-label={t('adminCategories.threads')}>{c.threadCount}</td>
                <td data-label={t('adminCategories.openLabel')}>
                  <input
                    className="table-check"
                    type="checkbox"
                    checked={c.public}
                    aria-label={t('adminCategories.openToVisitors', { name: c.name })}
                    onChange={(e) => void setOpen(c, e.target.checked)}
                  />
                </td>
                <td data-label={t('adminCategories.actions')}>
                  <div className="admin-actions">
                    <button type="button" className="link-button" disabled={i === 0} onClick={() => void move(i, -1)}>
                      {t('adminCategories.up', { name: c.name })}
                    </button>
                    <button
                      type="button"
                      className="link-button"
                      disabled={i === categories.length - 1}
                      onClick={() => void move(i, 1)}
                    >
                      {t('adminCategories.down', { name: c.name })}
                    </button>
                    <button type="button" className="link-button" onClick={() => startEdit(c)}>
                      {t('adminCategories.edit', { name: c.name })}
                    </button>
                    <button type="button" className="link-button" onClick={() => void archive(c, !c.archived)}>
                      {c.archived
                        ? t('adminCategories.restore', { name: c.name })
                        : t('adminCategories.archive', { name: c.name })}
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
