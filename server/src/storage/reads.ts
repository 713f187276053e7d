import { Types } from 'mongoose';
import { findIn } from '../infra/store/index.js';
import { UploadModel, type UploadFields } from './model.js';

/*
 * What other domains read of uploads: the library and stories attach files their authors
 * uploaded, and show each file's name, kind and size.
 */

export type { UploadFields } from './model.js';

function ids(values: Iterable<Types.ObjectId | string>): Types.ObjectId[] {
  return [...values].flatMap((v) =>
    typeof v !== 'string' ? [v] : Types.ObjectId.isValid(v) ? [new Types.ObjectId(v)] : [],
  );
}

/** The uploads among `fileIds` (unknown ids are absent), in one batch. */
export function uploadsByIds(fileIds: Iterable<Types.ObjectId | string>): Promise<UploadFields[]> {
  return findIn('_id', ids(fileIds), (match) => UploadModel.find(match).lean<UploadFields[]>().exec());
}

/** Of `fileIds`, those `ownerId` uploaded (optionally of one kind), as hex ids. */
export async function ownUploads(
  ownerId: string,
  fileIds: Iterable<Types.ObjectId | string>,
  kind?: UploadFields['kind'],
): Promise<Set<string>> {
  const owner = new Types.ObjectId(ownerId);
  const rows = await findIn('_id', ids(fileIds), (match) =>
    UploadModel.find({ ...match, ownerId: owner, ...(kind ? { kind } : {}) }, { _id: 1 })
      .lean()
      .exec(),
  );
  return new Set(rows.map((r) => r._id.toHexString()));
}
