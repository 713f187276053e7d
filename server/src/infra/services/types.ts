/** One line about the services; 'error' when one of them failed (a service died, will not start). */
export type ServiceLog = (line: string, level?: 'info' | 'warn' | 'error') => void;

/** A resolved backing service: where to reach it and how to stop what we started for it. */
export interface ProvidedService {
  url: string;
  /** "env": from the environment; "local": found on its default port; "embedded": started by us. */
  source: 'env' | 'local' | 'embedded';
  /** Human-readable: what it is and where. Never contains credentials. */
  description: string;
  /** Stops what was started for this service (nothing for env/local). Idempotent. */
  stop(): Promise<void>;
}

export const noStop = (): Promise<void> => Promise.resolve();

/** A URL with any password replaced, for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i, (_match, scheme: string, userinfo: string) => {
    const user = userinfo.split(':')[0] ?? '';
    return `${scheme}${user ? `${user}:***` : '***'}@`;
  });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
