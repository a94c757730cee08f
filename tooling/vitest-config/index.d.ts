import type { UserConfig } from "vitest/config";
export declare function createVitestConfig(overrides?: UserConfig): UserConfig;
