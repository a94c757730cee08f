import type { Linter } from "eslint";
export declare const LAYERS: Record<string, string[]>;
export declare function createConfig(options: { dirname: string; name: string; testOnly?: string[]; ignores?: string[] }): Linter.Config[];
