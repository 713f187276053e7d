import { CoalitionModel } from './model.js';

/* What other domains read of coalitions beyond the read rule (coalitions/access.ts). */

/** Whether any coalition exists yet (the demo seeder fills only an empty hub). */
export async function anyCoalition(): Promise<boolean> {
  return (await CoalitionModel.exists({})) !== null;
}
