import { profilePatchSchema } from '@commons/shared';
import { Router } from 'express';
import { currentMember } from '../auth/routes.js';
import { parse } from '../http/validate.js';
import { toMember, toSelf } from './present.js';
import type { MemberService } from './service.js';

export function memberRoutes(members: MemberService): Router {
  const router = Router();

  router.patch('/me', async (req, res) => {
    const me = currentMember(req);
    const patch = parse(profilePatchSchema, req.body);
    const updated = await members.updateProfile(me, patch);
    res.json({ user: toSelf(updated) });
  });

  router.get('/:id', async (req, res) => {
    currentMember(req);
    const member = await members.get(req.params.id);
    res.json({ member: toMember(member) });
  });

  return router;
}
