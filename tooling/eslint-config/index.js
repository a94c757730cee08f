// Shared flat config. Each package calls createConfig({ dirname, layer }) so the layering
// rule knows which @nuwani packages the package may import.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * What each package may import from the workspace. Arrows point down only: a package may
 * use the layer beneath it (and fake-discord in its tests), never one above or beside it.
 */
export const LAYERS = {
  // The bottom: what every layer shares (clock, seeded random, guards, Secret). It imports
  // nothing, and every other package may import it.
  "@nuwani/util": [],
  // The game contract (GameServer and its types): what a game adapter implements and the bridge
  // consumes, so that neither has to import the other.
  "@nuwani/game": [],
  "@nuwani/transport": ["@nuwani/util"],
  "@nuwani/socket": ["@nuwani/transport", "@nuwani/util"],
  "@nuwani/gateway": ["@nuwani/socket", "@nuwani/transport", "@nuwani/util"],
  "@nuwani/tracker": ["@nuwani/gateway", "@nuwani/util"],
  "@nuwani/rest": ["@nuwani/util"],
  "@nuwani/bridge": ["@nuwani/tracker", "@nuwani/gateway", "@nuwani/rest", "@nuwani/game", "@nuwani/util"],
  // The `nuwani-discord` command. Its demo (`--demo`) embeds the fake Discord, so a newcomer
  // sees the whole system work with no token and no internet; the bridge library stays free
  // of the fakes.
  "@nuwani/cli": ["@nuwani/bridge", "@nuwani/samp", "@nuwani/game", "@nuwani/tracker", "@nuwani/gateway", "@nuwani/rest", "@nuwani/fake-discord", "@nuwani/fake-samp", "@nuwani/util"],
  "@nuwani/fake-discord": ["@nuwani/util"],
  // The fake SA-MP / open.mp server: its own packet codec, no client package.
  "@nuwani/fake-samp": ["@nuwani/util"],
  // The SA-MP / open.mp game side depends on no Discord package; the CLI composes it with the bridge.
  "@nuwani/samp": ["@nuwani/game", "@nuwani/util"],
};

const ALL = Object.keys(LAYERS);

/**
 * @param {{ dirname: string, name: string, testOnly?: string[], ignores?: string[] }} options
 *   name: the package's own name; testOnly: packages its tests may import besides.
 */
export function createConfig({ dirname, name, testOnly = ["@nuwani/fake-discord"], ignores = [] }) {
  const allowed = new Set([name, ...(LAYERS[name] ?? ALL)]);
  const forbidden = (extra) => ALL.filter((pkg) => !allowed.has(pkg) && !extra.includes(pkg));
  const restrict = (extra) => ({
    "no-restricted-imports": [
      "error",
      {
        paths: forbidden(extra).map((pkg) => ({
          name: pkg,
          message: `${name} may not import ${pkg}: layers depend only on the layer beneath them.`,
        })),
        patterns: forbidden(extra).map((pkg) => ({
          group: [`${pkg}/*`],
          message: `${name} may not import ${pkg}.`,
        })),
      },
    ],
  });

  return tseslint.config(
    { ignores: ["dist/**", "coverage/**", "node_modules/**", ...ignores] },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
      languageOptions: {
        parserOptions: { projectService: { allowDefaultProject: ["*.js", "*.mjs"] }, tsconfigRootDir: dirname },
      },
      rules: {
        "@typescript-eslint/consistent-type-imports": "error",
        "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        "@typescript-eslint/no-floating-promises": "error",
        "@typescript-eslint/only-throw-error": "error",
        "no-console": "error",
      },
    },
    { files: ["src/**/*.ts"], rules: restrict([]) },
    {
      files: ["test/**/*.ts", "bench/**/*.ts", "*.config.ts"],
      rules: {
        ...restrict(testOnly),
        "@typescript-eslint/no-non-null-assertion": "off",
        "@typescript-eslint/no-unsafe-assignment": "off",
        "@typescript-eslint/no-unsafe-member-access": "off",
        "@typescript-eslint/unbound-method": "off",
        "no-console": "off",
      },
    },
  );
}
