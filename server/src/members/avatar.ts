import { avatarLimits, avatarSizes, type AvatarSize } from '@commons/shared';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import sharp from 'sharp';
import { AppError } from '../http/errors.js';
import type { DomainEvents } from '../infra/domain-events.js';
import { sniff } from '../storage/sniff.js';
import type { Storage } from '../storage/storage.js';
import type { MemberDataOwner } from './member-data.js';
import { MemberModel, type MemberDoc } from './model.js';

/*
 * Members' pictures. An upload is checked by its first bytes (PNG, JPEG, GIF or WebP; never SVG),
 * decoded by sharp (libvips) under a pixel cap, turned upright by its EXIF orientation, cropped to
 * a square on its centre and written as WebP at each size. Nothing of the original is kept: not
 * its bytes, not its metadata (sharp writes none unless asked), so a phone photo's location and
 * camera never reach other members. Files live in the uploads Storage under
 * `avatars/<member>/<version>-<size>.webp`; the version is new at every upload, so the URLs
 * that carry it are cached for good and a replaced picture is never served from a cache.
 */

const key = (memberId: string, version: string, size: AvatarSize) => `avatars/${memberId}/${version}-${size}.webp`;

/** The picture at every size, from whatever image was sent; a 4xx when it is not one we can read. */
async function render(buffer: Buffer): Promise<Map<AvatarSize, Buffer>> {
  const type = sniff(buffer);
  if (!type || type.kind !== 'image')
    throw new AppError('unsupported_media_type', 'Choose a PNG, JPEG, GIF or WebP picture.');
  // The first frame of an animation; every size decodes the original again (no shared state).
  const upright = () => sharp(buffer, { limitInputPixels: avatarLimits.inputMaxPixels, animated: false }).rotate();
  const out = new Map<AvatarSize, Buffer>();
  try {
    for (const size of avatarSizes)
      out.set(
        size,
        await upright().resize(size, size, { fit: 'cover', position: 'centre' }).webp({ quality: 82 }).toBuffer(),
      );
  } catch (err) {
    if (err instanceof Error && /pixel limit/i.test(err.message))
      throw new AppError('payload_too_large', 'This picture has too many pixels; use a smaller one.');
    throw new AppError('unsupported_media_type', 'This picture could not be read. Try a PNG or JPEG file.');
  }
  return out;
}

export function createAvatarService(deps: { storage: Storage; events: DomainEvents }) {
  async function removeFiles(memberId: string, version: string): Promise<void> {
    await Promise.all(avatarSizes.map((size) => deps.storage.delete(key(memberId, version, size))));
  }

  const service = {
    /** The member's new picture (POST /api/members/me/avatar): stored at every size, the old one removed. */
    async set(member: MemberDoc, buffer: Buffer): Promise<MemberDoc> {
      if (buffer.length === 0) throw new AppError('validation_failed', 'The file is empty.');
      if (buffer.length > avatarLimits.uploadMaxBytes)
        throw new AppError('payload_too_large', 'Pictures can be at most 8 MB.');
      const files = await render(buffer);
      const memberId = member._id.toHexString();
      const version = randomBytes(8).toString('hex');
      for (const [size, data] of files) await deps.storage.put(key(memberId, version, size), data);
      const previous = member.avatarVersion;
      member.set('avatarVersion', version);
      await member.save();
      if (previous) await removeFiles(memberId, previous);
      deps.events.publish('member.updated', { memberId });
      return member;
    },

    /** Back to initials (DELETE /api/members/me/avatar). */
    async remove(member: MemberDoc): Promise<MemberDoc> {
      const previous = member.avatarVersion;
      if (!previous) return member;
      member.set('avatarVersion', null);
      await member.save();
      await removeFiles(member._id.toHexString(), previous);
      deps.events.publish('member.updated', { memberId: member._id.toHexString() });
      return member;
    },

    /**
     * A picture's bytes, or a 404. The version in the path is the member's current one (older
     * files are deleted), so no store read is needed: what exists is what may be shown.
     */
    async open(memberId: string, version: string, size: AvatarSize): Promise<{ stream: Readable; size: number }> {
      const file = await deps.storage.open(key(memberId, version, size));
      if (!file) throw new AppError('not_found', 'No such picture.');
      return file;
    },

    /** Account deletion: the picture goes with the account. */
    async forgetMember(memberId: string): Promise<void> {
      const row = await MemberModel.findById(memberId, { avatarVersion: 1 }).lean();
      if (!row?.avatarVersion) return;
      await MemberModel.updateOne({ _id: row._id }, { $set: { avatarVersion: null } });
      await removeFiles(memberId, row.avatarVersion);
    },
  } satisfies MemberDataOwner & Record<string, unknown>;
  return service;
}

export type AvatarService = ReturnType<typeof createAvatarService>;
