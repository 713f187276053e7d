import { directoryQuerySchema } from '@commons/shared';
import { Router } from 'express';
import { currentMember } from '../auth/routes.js';
import { actorOf } from '../forums/service.js';
import { parse } from '../http/validate.js';
import type { LibraryService } from '../library/service.js';
import type { StoryService } from '../stories/service.js';
import type { DirectoryService } from './service.js';

export function directoryRoutes(directory: DirectoryService, library: LibraryService, stories: StoryService): Router {
  const router = Router();

  router.get('/members', async (req, res) => {
    const actor = actorOf(currentMember(req));
    res.json(await directory.list(actor, parse(directoryQuerySchema, req.query)));
  });

  router.get('/members/:id/activity', async (req, res) => {
    const actor = actorOf(currentMember(req));
    res.json(await directory.activity(actor, req.params.id));
  });

  router.put('/members/:id/follow', async (req, res) => {
    const actor = actorOf(currentMember(req));
    res.json({ follow: await directory.follow(actor, req.params.id, true) });
  });

  router.delete('/members/:id/follow', async (req, res) => {
    const actor = actorOf(currentMember(req));
    res.json({ follow: await directory.follow(actor, req.params.id, false) });
  });

  /** The signed-in home's hub part: featured stories and resources, and what followed members shared. */
  router.get('/hub/home', async (req, res) => {
    const actor = actorOf(currentMember(req));
    const followees = await directory.followeeIds(actor);
    const [featuredStories, featured, fromFollowed, storiesFromFollowed] = await Promise.all([
      stories.featured(),
      library.featured(actor),
      library.bySubmitters(actor, followees),
      stories.byAuthors(followees),
    ]);
    res.json({ featuredStories, featured, fromFollowed, storiesFromFollowed });
  });

  return router;
}
