import { createConfig } from "@nuwani/eslint-config";

// A fake depends on no client package, not even in its tests.
export default createConfig({ dirname: import.meta.dirname, name: "@nuwani/fake-samp", testOnly: [] });
