// The lint rule that keeps each domain's collections to the domain: `npm run lint` fails on a new
// cross-domain model import.
import path from 'node:path';
import { Linter, type Rule } from 'eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the lint setup, without types
import rule from '../../scripts/eslint/domain-owns-models.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const linter = new Linter({ cwd: root });

function problems(file: string, code: string, options: Record<string, unknown> = {}): string[] {
  return linter
    .verify(
      code,
      [
        {
          files: ['**/*.js'],
          plugins: { commons: { rules: { 'domain-owns-models': rule } } },
          rules: { 'commons/domain-owns-models': ['error', { root: 'server/src', ...options }] },
        },
      ],
      { filename: path.join(root, file) },
    )
    .map((m) => m.message);
}

describe('commons/domain-owns-models', () => {
  it("refuses a domain importing another domain's models, however it names them", () => {
    const file = 'server/src/notifications/example.js';
    expect(problems(file, "import { PostModel } from '../forums/model.js';")).toEqual([
      expect.stringContaining("notifications imports the forums domain's models"),
    ]);
    expect(problems(file, "import { MailDeliveryModel } from '../mail/delivery.model.js';")).toHaveLength(1);
    expect(problems(file, "export { LabModel } from '../labs/model.js';")).toHaveLength(1);
    expect(problems(file, "import { X } from '@commons/server/labs/model';")).toHaveLength(1);
    expect(problems('server/src/app.js', "import { MemberModel } from './members/model.js';")).toHaveLength(1);
  });

  it('lets a domain import its own models and other domains’ read modules', () => {
    const file = 'server/src/forums/example.js';
    expect(problems(file, "import { PostModel } from './model.js';")).toEqual([]);
    expect(problems('server/src/forums/sub/example.js', "import { PostModel } from '../model.js';")).toEqual([]);
    expect(problems(file, "import { labTitle } from '../labs/reads.js';")).toEqual([]);
    expect(problems(file, "import mongoose from 'mongoose';")).toEqual([]);
  });

  it('has no exceptions: seeds, the composition and type-only imports are held to it, and it takes no allow-list', () => {
    const file = 'server/src/seed/example.js';
    expect(problems(file, "import { MemberModel } from '../members/model.js';")).toHaveLength(1);
    expect(
      problems('server/src/auth/example.js', "import type { MemberDoc } from '../members/model.js';"),
    ).toHaveLength(1);
    expect(problems('server/src/auth/example.js', "import { memberDoc } from '../members/reads.js';")).toEqual([]);
    // An allow-list is no option of the rule: a configuration passing one is refused.
    expect(() =>
      problems(file, "import { MemberModel } from '../members/model.js';", { allow: { [file]: ['members'] } }),
    ).toThrow(/should NOT have additional properties/);
  });
});

// The two rules of the same kind: operators our code writes are trusted() (sanitizeFilter is on),
// and no route is registered outside the route tables.
// @ts-expect-error: a plain ES module of the lint setup, without types
const trustedOperators = (await import('../../scripts/eslint/trusted-operators.mjs')).default as Rule.RuleModule;
// @ts-expect-error: a plain ES module of the lint setup, without types
const routesInTables = (await import('../../scripts/eslint/routes-in-tables.mjs')).default as Rule.RuleModule;

function ruleProblems(name: string, rule: Rule.RuleModule, code: string): string[] {
  return linter
    .verify(
      code,
      [
        {
          files: ['**/*.js'],
          plugins: { commons: { rules: { [name]: rule } } },
          rules: { [`commons/${name}`]: 'error' },
        },
      ],
      { filename: path.join(root, 'server/src/forums/example.js') },
    )
    .map((m) => m.message);
}

describe('commons/trusted-operators', () => {
  const check = (code: string) => ruleProblems('trusted-operators', trustedOperators, code);
  it('refuses a query operator outside trusted(), wherever the filter is built', () => {
    expect(check('M.find({ a: { $in: [1] } });')).toEqual([expect.stringContaining('Query operator $in')]);
    expect(check('M.find({ $or: [{ a: { $gt: 1 } }, { b: { $ne: null } }] });')).toHaveLength(2);
    expect(check('filter.createdAt = { $lt: cursor };')).toHaveLength(1);
    expect(check('M.find({ a: { $not: { $in: [1] } } });')).toHaveLength(1);
  });
  it('lets trusted operators, updates and aggregation stages through', () => {
    expect(check('M.find({ a: trusted({ $in: [1] }), b: mongoose.trusted({ $ne: null, $lte: 3 }) });')).toEqual([]);
    expect(check('M.updateOne({ _id }, { $pull: { ids: { $in: [1] } }, $set: { a: 1 } });')).toEqual([]);
    expect(check('M.aggregate([{ $match: { labId: { $in: ids } } }]);')).toEqual([]);
  });
});

describe('commons/routes-in-tables', () => {
  const check = (code: string) => ruleProblems('routes-in-tables', routesInTables, code);
  it('refuses routes registered by hand on an app or a router', () => {
    expect(check("app.get('/api/x', (req, res) => res.end());")).toEqual([
      expect.stringContaining("Route get '/api/x'"),
    ]);
    expect(check('router.post(`/things/${id}`, handler);')).toHaveLength(1);
    expect(check('app.get(/^\\/(?!api).*/, handler);')).toHaveLength(1);
    expect(check("router.route('/x');")).toHaveLength(1);
  });
  it('lets middleware, maps and the route tables’ own mounting through', () => {
    expect(check("app.use('/api', router); map.get('/x'); cache.delete('/x'); app.set('trust proxy', 1);")).toEqual([]);
    expect(check('router[route.method](expressPath(route.path, base), ...before, run);')).toEqual([]);
  });
});
