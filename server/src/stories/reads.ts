import type { Types } from 'mongoose';
import { StoryModel } from './model.js';

/* What other domains read of stories. */

/** Whether a story shows this uploaded image (stories are public once published). */
export async function storyShowsImage(fileId: Types.ObjectId | string): Promise<boolean> {
  return (await StoryModel.exists({ imageIds: fileId })) !== null;
}

/** Whether any story exists yet (the demo seeder fills only an empty hub). */
export async function anyStory(): Promise<boolean> {
  return (await StoryModel.exists({})) !== null;
}
