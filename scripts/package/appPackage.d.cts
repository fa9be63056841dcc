/** Types of appPackage.cjs: sibyl.zip, the Function App's deployment package. */
export declare const MAX_BYTES: number;
export declare const TARGET: { platform: string; arch: string };
/** node_modules/… paths of the lock's production packages that are installed. */
export declare function productionPackages(root?: string): string[];
/** Every file the package holds, relative to the repository root. */
export declare function packageFiles(root?: string): string[];
/** Writes the zip; rejects when it would be MAX_BYTES or more. */
export declare function writePackage(options?: {
  root?: string;
  out?: string;
}): Promise<{ path: string; bytes: number; files: number }>;
