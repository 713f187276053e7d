// Types of scripts/ferretdb-binary.mjs (imported by server/src/infra/services/mongo.ts).

export interface FerretdbBinary {
  path: string;
  /** "launcher": our tools/ferretdb build; "standard": an upstream `ferretdb`. */
  kind: 'launcher' | 'standard';
}

export interface BuildOptions {
  go?: string;
  log?: (line: string) => void;
  /** Told every `progressEveryMs` (default 10 s) how far a build is. */
  progress?: (line: string) => void;
  progressEveryMs?: number;
}

export declare const launcherSourceDir: string;
export declare function ferretdbVersion(dir?: string): string;
export declare function launcherSourceHash(dir?: string): string;
export declare function cacheDir(): string;
export declare function cachedLauncherPath(): string;
export declare function findOnPath(name: string): string | null;
export declare function findGo(): string | null;
export declare function findFerretdbBinary(): FerretdbBinary | null;
export declare function buildLauncher(opts?: BuildOptions): Promise<string>;
export declare function ensureLauncher(opts?: BuildOptions): Promise<string>;
