import mongoose from 'mongoose';
import { MemberModel } from '@commons/server/members/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type Someone } from '../forums/support.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/*
 * Query operators never come from input: the strict zod schemas refuse them at the edge, and
 * mongoose's sanitizeFilter (server/src/infra/db.ts) matches any that reach a filter as plain
 * values. Operators our own code writes are marked with mongoose.trusted().
 */
let p: TestPlatform;
let ana: Someone;

beforeAll(async () => {
  p = await startTestPlatform('filter_injection', { workers: false });
  ana = await signUp(p, 'Ana Filter');
});
afterAll(async () => {
  await p?.close();
});

// What a route that forgot its schema would pass on: a body field as it arrived.
const fromInput = (raw: string): string => JSON.parse(raw) as string;

describe('operator objects from input', () => {
  it('are refused at the edge: a sign-in with { "$ne": null } is a 400 and signs nobody in', async () => {
    const c = p.client();
    const res = await c.post('/api/auth/login', { email: { $ne: null }, password: { $ne: null } });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('validation_failed');
    expect((await c.get('/api/auth/me')).status).toBe(401);
  });

  it('are refused in query strings', async () => {
    const res = await ana.c.get('/api/members?community[$ne]=x');
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('validation_failed');
  });

  it('match nothing when one reaches a filter: sanitizeFilter makes it a plain value', async () => {
    // Wrapped in $eq, the object is a value to compare, and a string field cannot be an object.
    const email = fromInput('{ "$ne": null }');
    await expect(MemberModel.findOne({ email }).lean()).rejects.toThrow(/Cast to string failed/);
    await expect(MemberModel.countDocuments({ email: fromInput('{ "$gt": "" }') })).rejects.toThrow(/Cast/);
    // Nor does an update reach past it (members' writes name their members by _id: members/kept.ts).
    await expect(
      MemberModel.updateMany({ _id: ana.id, email: fromInput('{ "$ne": null }') }, { $set: { bio: 'injected' } }),
    ).rejects.toThrow(/Cast/);
    expect(await MemberModel.countDocuments({ bio: 'injected' })).toBe(0);
    // The same operator written by our code, marked trusted, still works.
    expect(await MemberModel.countDocuments({ email: mongoose.trusted({ $ne: null }) })).toBeGreaterThan(0);
    expect(await MemberModel.findOne({ email: ana.email }).lean()).not.toBeNull();
  });
});
