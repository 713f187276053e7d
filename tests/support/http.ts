import { checkResponse } from '@commons/server/openapi/check';
import { allOperations, findOperation } from '@commons/server/openapi/operations';

/**
 * A small HTTP client that behaves like a browser tab: keeps its cookies and sends its Origin.
 * Every response to a documented operation is checked against the OpenAPI description, so each
 * API test is also a contract test.
 */
export class TestClient {
  private cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    // Response bodies are arbitrary JSON that assertions walk freely.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ): Promise<{ status: number; body: any; headers: Headers; text: string }> {
    const init: RequestInit = {
      method,
      headers: {
        origin: this.baseUrl,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
        ...headers,
      },
      redirect: 'manual',
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    };
    const res = await fetch(this.baseUrl + path, init);
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (an HTML page, an empty 204): assertions use `text`.
    }
    const op = findOperation(allOperations, method, path);
    if (op) {
      const problem = checkResponse(op, res.status, parsed, text);
      if (problem) throw new Error(`API contract: ${problem}\nbody: ${text.slice(0, 500)}`);
    }
    return { status: res.status, body: parsed, headers: res.headers, text };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, undefined, headers);
  }
  post(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('POST', path, body, headers);
  }
  patch(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('PATCH', path, body, headers);
  }
  delete(path: string, headers?: Record<string, string>) {
    return this.request('DELETE', path, undefined, headers);
  }
}

/**
 * A member signed up through a running server's API (no access to its store needed) and a thread
 * of theirs in the first category: for tests of whole processes.
 */
export async function memberWithThread(
  url: string,
  displayName: string,
  thread: { title: string; body: string },
): Promise<{ member: TestClient; memberId: string; threadId: string }> {
  const member = new TestClient(url);
  const slug = displayName.toLowerCase().replace(/[^a-z]+/g, '.');
  const registered = await member.post('/api/auth/register', {
    email: `${slug}.${Date.now()}@example.org`,
    password: 'maple-lantern-harbor-41',
    displayName,
  });
  if (registered.status !== 201) throw new Error(`sign-up: ${registered.status} ${registered.text}`);
  const categories = await member.get('/api/categories');
  const category = (categories.body.categories as Array<{ id: string }>)[0]!;
  const created = await member.post('/api/threads', { categoryId: category.id, ...thread });
  if (created.status !== 201) throw new Error(`thread: ${created.status} ${created.text}`);
  return { member, memberId: registered.body.user.id as string, threadId: created.body.thread.id as string };
}
