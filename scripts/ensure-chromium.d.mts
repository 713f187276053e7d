// Types of scripts/ensure-chromium.mjs (imported by tests/global-setup.ts).

export interface ResolvedChromium {
  path: string;
  /** The browser's `--version` line, e.g. "Chromium 131.0.6778.85 built on Debian". */
  version: string;
}

export declare const browserNames: string[];
export declare class ChromiumMissing extends Error {}
export declare function ensureChromium(opts?: {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  install?: boolean;
}): Promise<ResolvedChromium>;
