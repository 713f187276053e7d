import { z } from 'zod';

/** A MongoDB ObjectId in its 24-hex-digit string form. */
export const objectIdSchema = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hexadecimal id');
export type ObjectIdString = z.infer<typeof objectIdSchema>;
