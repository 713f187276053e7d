import type { UploadKind } from '@commons/shared';

/** A file type told by its first bytes, never by its name or the browser's claim. */
export interface Sniffed {
  kind: UploadKind;
  mime: string;
  extension: string;
}

const startsWith = (buf: Buffer, bytes: number[], at = 0) => bytes.every((b, i) => buf[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/**
 * PDF, PNG, JPEG, GIF and WebP only. SVG is refused on purpose: it can carry scripts.
 * Returns null for anything else.
 */
export function sniff(buf: Buffer): Sniffed | null {
  if (startsWith(buf, ascii('%PDF-'))) return { kind: 'pdf', mime: 'application/pdf', extension: 'pdf' };
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { kind: 'image', mime: 'image/png', extension: 'png' };
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return { kind: 'image', mime: 'image/jpeg', extension: 'jpg' };
  if (startsWith(buf, ascii('GIF87a')) || startsWith(buf, ascii('GIF89a')))
    return { kind: 'image', mime: 'image/gif', extension: 'gif' };
  if (startsWith(buf, ascii('RIFF')) && startsWith(buf, ascii('WEBP'), 8))
    return { kind: 'image', mime: 'image/webp', extension: 'webp' };
  return null;
}
