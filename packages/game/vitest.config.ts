import { createVitestConfig } from "@nuwani/vitest-config";

export default createVitestConfig();
