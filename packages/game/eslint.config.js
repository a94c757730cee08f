import { createConfig } from "@nuwani/eslint-config";

export default createConfig({ dirname: import.meta.dirname, name: "@nuwani/game" });
