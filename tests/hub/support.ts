import { checkResponse } from '@commons/server/openapi/check';
import { allOperations, findOperation } from '@commons/server/openapi/operations';
import type { TestClient } from '../support/http.js';

export const MISSING_ID = '0123456789abcdef01234567';

/** A minimal valid PDF and PNG (by their first bytes, which is what the server checks). */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/**
 * Sends a multipart upload as a browser tab would (cookies, Origin), and checks the answer
 * against the API description like TestClient does for JSON.
 */
export async function sendFile(
  c: TestClient,
  path: string,
  file: { data: Buffer; name: string; type: string } | null,
  headers: Record<string, string> = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any; text: string }> {
  const form = new FormData();
  if (file) form.append('file', new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
  else form.append('note', 'no file here');
  const res = await fetch(c.baseUrl + path, {
    method: 'POST',
    headers: { origin: c.baseUrl, cookie: c.cookieHeader(), ...headers },
    body: form,
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const op = findOperation(allOperations, 'POST', path);
  if (op) {
    const problem = checkResponse(op, res.status, body, text);
    if (problem) throw new Error(`API contract: ${problem}\nbody: ${text.slice(0, 500)}`);
  }
  return { status: res.status, body, text };
}

export const resourceBody = (over: Record<string, unknown> = {}) => ({
  title: 'Community asset mapping toolkit',
  summary: 'A step-by-step guide to mapping the strengths of a neighbourhood with residents.',
  url: 'https://example.org/asset-mapping',
  topics: ['community-engagement-leadership'],
  audiences: ['residents', 'coalition_leaders'],
  language: 'en',
  organisation: 'Vital Village Network',
  ...over,
});
