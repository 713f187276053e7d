import type { Logger } from '../infra/log.js';
import { isDuplicateKey } from '../infra/store/index.js';
import { CategoryModel } from './model.js';

/** The categories every deployment starts with (admins may rename, reorder or archive them). */
export const defaultCategories: ReadonlyArray<{ slug: string; name: string; description: string }> = [
  {
    slug: 'introductions',
    name: 'Introductions',
    description: 'Say hello: who you are, your community and what you hope to learn here.',
  },
  {
    slug: 'equity-tools',
    name: 'Equity tools',
    description: 'Frameworks, assessments and practices for putting equity at the centre of the work.',
  },
  {
    slug: 'coalition-structure-governance',
    name: 'Coalition structure & governance',
    description: 'Backbone roles, shared decision-making, charters and how coalitions organise themselves.',
  },
  {
    slug: 'community-engagement-leadership',
    name: 'Community engagement & leadership',
    description: 'Resident and parent leadership, outreach, and sharing power with the community.',
  },
  {
    slug: 'data-storytelling',
    name: 'Data & storytelling',
    description: 'Collecting, sharing and making sense of data together, and telling the story behind it.',
  },
  {
    slug: 'sustainability',
    name: 'Sustainability',
    description: 'Funding, partnerships and keeping the work going after a grant ends.',
  },
  {
    slug: 'early-childhood',
    name: 'Early childhood',
    description: 'Prenatal to age eight: child care, home visiting, early learning and family support.',
  },
  {
    slug: 'health',
    name: 'Health',
    description: 'Child and family health, health centres, and the conditions that keep families well.',
  },
  {
    slug: 'education',
    name: 'Education',
    description: 'Schools, out-of-school time and families as partners in learning.',
  },
];

/**
 * Creates the default categories that are missing, matched by slug. Existing ones are left as
 * admins made them ($setOnInsert), so this is safe at every start of every process.
 */
export async function ensureDefaultCategories(log?: Logger): Promise<number> {
  let created = 0;
  for (const [position, c] of defaultCategories.entries()) {
    try {
      const res = await CategoryModel.updateOne(
        { slug: c.slug },
        { $setOnInsert: { slug: c.slug, name: c.name, description: c.description, position, archived: false } },
        { upsert: true },
      );
      created += res.upsertedCount;
    } catch (err) {
      // Another process inserted it between our read and write: it exists, which is all we need.
      if (!isDuplicateKey(err)) throw err;
    }
  }
  if (created > 0) log?.info({ created }, 'created default forum categories');
  return created;
}
