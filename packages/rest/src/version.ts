import packageJson from "../package.json" with { type: "json" };

/** The package version, in the User-Agent. */
export const VERSION: string = packageJson.version;
