import type { Express } from 'express';

interface RouteLike {
  path: unknown;
  methods: Record<string, boolean>;
}
interface LayerLike {
  route?: RouteLike;
  rawPath?: unknown;
  handle?: { stack?: LayerLike[] };
}

const join = (a: string, b: string) => (a + (b === '/' ? '' : b)).replace(/\/+/g, '/') || '/';

/**
 * Lists the string-path routes an Express 5 app mounts, as OpenAPI templates
 * (`/api/members/:id` → `/api/members/{id}`). Pattern routes (the client's fallback) are skipped.
 */
export function mountedRoutes(app: Express): Array<{ method: string; path: string }> {
  const out: Array<{ method: string; path: string }> = [];
  const walk = (stack: LayerLike[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        if (typeof layer.route.path !== 'string') continue;
        const path = join(prefix, layer.route.path).replace(/:(\w+)/g, '{$1}');
        for (const method of Object.keys(layer.route.methods)) if (method !== '_all') out.push({ method, path });
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, typeof layer.rawPath === 'string' ? join(prefix, layer.rawPath) : prefix);
      }
    }
  };
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, '');
  return out;
}
