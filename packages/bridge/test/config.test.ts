import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Bridge } from "../src/Bridge.js";
import { BridgeError } from "../src/BridgeError.js";
import { DEFAULT_INTENTS, loadConfig, parseConfig, type EnabledBridgeConfig } from "../src/config.js";
import { LevelLadder } from "../src/LevelLadder.js";
import { Secret } from "@nuwani/util";
import { SimulatedGameServer } from "../src/SimulatedGameServer.js";

const TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.super-secret-token-value";
const SECRET = "client-secret-value-xyz";

function valid(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    token: TOKEN,
    clientId: "123456789012345678",
    clientSecret: SECRET,
    guild: "223456789012345678",
    channels: { echo: "echo", admin: "323456789012345678" },
    ...extra,
  };
}

function enabled(discord: Record<string, unknown>, env: Record<string, string> = {}): EnabledBridgeConfig {
  const config = parseConfig({ discord }, env);
  if (!config.enabled) throw new Error("expected an enabled config");
  return config;
}

/** The error parseConfig throws, checked to be a BRIDGE_CONFIG_INVALID without secrets. */
function failure(discord: unknown, env: Record<string, string> = {}): BridgeError {
  try {
    parseConfig({ discord }, env);
  } catch (error) {
    expect(error).toBeInstanceOf(BridgeError);
    const text = `${String(error)} ${inspect(error)} ${JSON.stringify(error)}`;
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(SECRET);
    return error as BridgeError;
  }
  throw new Error("expected parseConfig to throw");
}

describe("parseConfig: Discord off", () => {
  it("is off without a discord section, ignoring other sections", () => {
    expect(parseConfig({ irc: { servers: [] }, mysql: { host: "localhost" } }, {})).toEqual({ enabled: false, reason: "no-section", warnings: [] });
  });

  it('is off with "enabled": false, without validating the rest', () => {
    expect(parseConfig({ discord: { enabled: false, version: "nonsense", colour: 1 } }, {})).toEqual({
      enabled: false,
      reason: "disabled",
      warnings: ["discord.colour is not a known field and is ignored"],
    });
  });

  it("is off even when the token is in the environment, if the section is absent", () => {
    expect(parseConfig({}, { NUWANI_DISCORD_TOKEN: TOKEN }).enabled).toBe(false);
  });
});

describe("parseConfig: a valid section", () => {
  it("applies the defaults", () => {
    const { token, clientSecret, ladder, ...config } = enabled(valid());
    expect([token.reveal(), clientSecret?.reveal()]).toEqual([TOKEN, SECRET]);
    expect(ladder.levels).toEqual(["player", "vip", "administrator", "management"]);
    expect(ladder.roles).toEqual({ vip: "vip", administrator: "administrator", management: "management" });
    expect(config).toEqual({
      enabled: true,
      clientId: "123456789012345678",
      endpoint: undefined,
      api: undefined,
      version: 10,
      intents: DEFAULT_INTENTS,
      guild: "223456789012345678",
      channels: {
        echo: { kind: "name", name: "echo" },
        admin: { kind: "id", id: "323456789012345678" },
        management: { kind: "default", names: ["management"] },
        vip: { kind: "default", names: ["vip"] },
        reports: { kind: "id", id: "323456789012345678" },
        announcements: { kind: "name", name: "echo" },
      },
      levels: [
        { role: { kind: "name", name: "VIP" }, level: "vip" },
        { role: { kind: "name", name: "Administrator" }, level: "administrator" },
        { role: { kind: "name", name: "Management" }, level: "management" },
      ],
      commandPrefix: "!",
      formats: undefined,
      warnings: [],
    });
  });

  it("reads every field", () => {
    const config = enabled(
      valid({
        enabled: true,
        endpoint: "wss://gateway.example/",
        api: "https://discord.example/api",
        version: 10,
        intents: 513,
        channels: { echo: "#lvp-echo", admin: "<#323456789012345678>", reports: "reports", announcements: "news", kills: "kills" },
        levels: { Management: "management", "<@&423456789012345678>": "administrator", "523456789012345678": "vip" },
        commandPrefix: "?",
        formats: "formats.json",
      }),
    );
    expect(config.endpoint).toBe("wss://gateway.example/");
    expect(config.api).toBe("https://discord.example/api");
    expect(config.version).toBe(10);
    expect(config.intents).toBe(513);
    expect(config.channels).toEqual({
      echo: { kind: "name", name: "lvp-echo" },
      admin: { kind: "id", id: "323456789012345678" },
      management: { kind: "default", names: ["management"] },
      vip: { kind: "default", names: ["vip"] },
      reports: { kind: "name", name: "reports" },
      announcements: { kind: "name", name: "news" },
      kills: { kind: "name", name: "kills" },
    });
    expect(config.levels).toEqual([
      { role: { kind: "name", name: "Management" }, level: "management" },
      { role: { kind: "id", id: "423456789012345678" }, level: "administrator" },
      { role: { kind: "id", id: "523456789012345678" }, level: "vip" },
    ]);
    expect(config.commandPrefix).toBe("?");
    expect(config.formats).toBe("formats.json");
  });

  it("defaults the intents on version 10, none on 6", () => {
    expect(enabled(valid({ version: 10 })).intents).toBe(DEFAULT_INTENTS);
    expect(enabled(valid({ version: 6, api: "http://127.0.0.1:1/api", endpoint: "ws://127.0.0.1:1" })).intents).toBeUndefined();
  });

  it("lets NUWANI_DISCORD_TOKEN win over the file", () => {
    expect(enabled(valid(), { NUWANI_DISCORD_TOKEN: "from-the-environment" }).token.reveal()).toBe("from-the-environment");
  });

  it("takes the token from the environment when the file has none", () => {
    const { token: _, ...rest } = valid();
    expect(enabled(rest, { NUWANI_DISCORD_TOKEN: "env-token" }).token.reveal()).toBe("env-token");
  });

  it("ignores an empty NUWANI_DISCORD_TOKEN", () => {
    expect(enabled(valid(), { NUWANI_DISCORD_TOKEN: "" }).token.reveal()).toBe(TOKEN);
  });

  it("takes a level ladder and which of its levels are VIP, administrator and Management", () => {
    const config = enabled(
      valid({
        ladder: ["guest", "member", "donor", "moderator", "admin", "owner"],
        ladderRoles: { vip: "donor", administrator: "moderator", management: "owner" },
        levels: { Donors: "donor", Mods: "moderator" },
      }),
    );
    expect(config.ladder.levels).toEqual(["guest", "member", "donor", "moderator", "admin", "owner"]);
    expect(config.ladder.roles).toEqual({ vip: "donor", administrator: "moderator", management: "owner" });
    expect(config.levels.map((mapping) => mapping.level)).toEqual(["donor", "moderator"]);
    // Without discord.levels, the default role names map to the ladder's roles.
    expect(enabled(valid({ ladder: ["user", "vip", "administrator", "management", "owner"] })).levels.map((mapping) => mapping.level)).toEqual([
      "vip",
      "administrator",
      "management",
    ]);
  });

  it("warns about unknown fields instead of failing", () => {
    expect(enabled(valid({ colour: "red", tokn: "x" })).warnings).toEqual([
      "discord.colour is not a known field and is ignored",
      "discord.tokn is not a known field and is ignored",
    ]);
  });

  it("parses JSON text", () => {
    expect(parseConfig(JSON.stringify({ discord: valid() }), {}).enabled).toBe(true);
  });
});

describe("parseConfig: each invalid field is named", () => {
  const cases: [field: string, discord: unknown, expected: RegExp][] = [
    ["discord", "yes", /discord must be an object/],
    ["discord", [], /discord must be an object/],
    ["discord.enabled", valid({ enabled: "yes" }), /true or false/],
    ["discord.token", valid({ token: undefined }), /discord\.token must be a non-empty string/],
    ["discord.token", valid({ token: "" }), /non-empty string/],
    ["discord.token", valid({ token: 42 }), /non-empty string/],
    ["discord.token", valid({ token: `Bot ${TOKEN}` }), /without the "Bot " prefix/],
    ["discord.token", valid({ token: `${TOKEN} x` }), /must not contain spaces/],
    ["discord.clientId", valid({ clientId: undefined }), /snowflake id/],
    ["discord.clientId", valid({ clientId: Number("123456789012345678") }), /as a string, in quotes/],
    ["discord.clientId", valid({ clientId: "abc" }), /snowflake id/],
    ["discord.clientId", valid({ clientId: "99999999999999999999" }), /snowflake id/],
    ["discord.clientSecret", valid({ clientSecret: "" }), /non-empty string/],
    ["discord.clientSecret", valid({ clientSecret: 5 }), /non-empty string/],
    ["discord.endpoint", valid({ endpoint: "https://gateway.example" }), /ws:\/\/ or wss:\/\/ URL/],
    ["discord.endpoint", valid({ endpoint: "not a url" }), /ws:\/\/ or wss:\/\/ URL/],
    ["discord.api", valid({ api: "wss://discord.example" }), /http:\/\/ or https:\/\/ URL/],
    ["discord.api", valid({ api: 1 }), /http:\/\/ or https:\/\/ URL/],
    ["discord.version", valid({ version: 9 }), /must be 6 or 10/],
    ["discord.version", valid({ version: "10" }), /must be 6 or 10/],
    ["discord.version", valid({ version: 10, endpoint: "wss://gateway.discord.gg/?v=6&encoding=json" }), /asks for \?v=6/],
    ["discord.endpoint", valid({ endpoint: "wss://gateway.discord.gg/?v=9" }), /\?v=6 or \?v=10 only/],
    ["discord.intents", valid({ intents: -1 }), /integer bit set/],
    ["discord.intents", valid({ intents: 1.5 }), /integer bit set/],
    ["discord.intents", valid({ intents: "513" }), /integer bit set/],
    ["discord.guild", valid({ guild: "lvp" }), /snowflake id/],
    ["discord.guild", valid({ guild: Number("223456789012345678") }), /as a string, in quotes/],
    ["discord.channels", valid({ channels: ["echo"] }), /object of channel roles/],
    ["discord.channels", valid({ channels: "echo" }), /object of channel roles/],
    ["discord.channels", valid({ channels: { echo: "a", admin: "b", "bad key": "c" } }), /keys must be role names/],
    ["discord.channels.echo", valid({ channels: { echo: "", admin: "admin" } }), /name or a snowflake id/],
    ["discord.channels.admin", valid({ channels: { echo: "echo", admin: Number("323456789012345678") } }), /as a string, in quotes/],
    ["discord.channels.reports", valid({ channels: { echo: "echo", admin: "admin", reports: "#" } }), /name or a snowflake id/],
    ["discord.levels", valid({ levels: ["Management"] }), /object of Discord role names or ids to levels/],
    ["discord.levels.Staff", valid({ levels: { Staff: "moderator" } }), /one of player, vip, administrator, management/],
    ["discord.levels.Staff", valid({ levels: { Staff: 1 } }), /one of player, vip, administrator, management/],
    ["discord.ladder", valid({ ladder: "player,vip" }), /array of level names/],
    ["discord.ladder", valid({ ladder: [] }), /1 to 16 level names/],
    ["discord.ladder", valid({ ladder: ["player", "player", "vip", "administrator", "management"] }), /must not repeat/],
    ["discord.ladder", valid({ ladder: ["Player Level"] }), /lower-case letters/],
    ["discord.ladder", valid({ ladder: ["player", "admin"] }), /roles\.vip must name a level/],
    ["discord.ladderRoles", valid({ ladderRoles: { boss: "management" } }), /must map vip, administrator and management/],
    ["discord.ladderRoles.vip", valid({ ladderRoles: { vip: "king" } }), /roles\.vip must name a level/],
    ["discord.ladderRoles", valid({ ladderRoles: { vip: "management", management: "vip" } }), /rise in that order/],
    ["discord.commandPrefix", valid({ commandPrefix: "" }), /1 to 8 characters/],
    ["discord.commandPrefix", valid({ commandPrefix: "! " }), /without spaces/],
    ["discord.commandPrefix", valid({ commandPrefix: 1 }), /1 to 8 characters/],
    ["discord.formats", valid({ formats: "" }), /path of a formats file/],
    ["discord.formats", valid({ formats: {} }), /path of a formats file/],
  ];

  // Titled by field and case number: the cases hold the token, which test output must never show.
  it.each(cases)("%s (case %#)", (field, discord, expected) => {
    const error = failure(discord);
    expect(error.code).toBe("BRIDGE_CONFIG_INVALID");
    expect(error.field).toBe(field);
    expect(error.message).toMatch(expected);
    expect(error.message).toContain(field);
  });

  it("names NUWANI_DISCORD_TOKEN when the environment's token is the invalid one", () => {
    const error = failure(valid(), { NUWANI_DISCORD_TOKEN: `Bot ${TOKEN}` });
    expect(error.field).toBe("NUWANI_DISCORD_TOKEN");
  });

  it("rejects a root that is not an object", () => {
    expect(() => parseConfig([1], {})).toThrow(expect.objectContaining({ code: "BRIDGE_CONFIG_INVALID", field: "(root)" }));
  });
});

describe("parseConfig: the token is never printed", () => {
  it.each([
    ["a token with spaces", valid({ token: `${TOKEN} ${TOKEN}` })],
    ["a token with a Bot prefix", valid({ token: `Bot ${TOKEN}` })],
    ["another field invalid", valid({ version: TOKEN })],
    ["a channel invalid", valid({ channels: { echo: "" } })],
    ["a secret that is not a string", valid({ clientSecret: ["x"] })],
  ])("%s", (_, discord) => {
    failure(discord); // asserts the token and the secret are absent from message, inspect and JSON
  });

  it("in malformed JSON, even though V8 quotes the source", () => {
    const text = `{"discord": {"token": "${TOKEN}" "version": 6}}`;
    try {
      parseConfig(`{"discord": {"token": "${TOKEN}"\n tru}}`, {});
      expect.unreachable();
    } catch (error) {
      expect(inspect(error)).not.toContain(TOKEN);
    }
    try {
      parseConfig(text, {});
      expect.unreachable();
    } catch (error) {
      expect((error as BridgeError).code).toBe("BRIDGE_CONFIG_MALFORMED");
      expect(inspect(error)).not.toContain(TOKEN);
    }
  });
});

describe("regression: the config showed the token and the client secret in inspect() and JSON", () => {
  it("hides them from inspect() and JSON.stringify of the config, and of a Bridge holding it, but keeps the fields", async () => {
    const config = enabled(valid());
    expect(config.token.reveal()).toBe(TOKEN);
    expect(config.clientSecret?.reveal()).toBe(SECRET);
    const bridge = new Bridge({ config, game: new SimulatedGameServer() });
    try {
      for (const text of [inspect(config, { depth: 10 }), JSON.stringify(config), inspect(bridge, { depth: 10 }), inspect({ config })]) {
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain(SECRET);
        expect(text).toContain("223456789012345678");
      }
    } finally {
      await bridge.stop();
    }
  });

  it("also for the config loadConfig returns with a resolved formats path", async () => {
    const dir = await mkdtemp(join(tmpdir(), "nuwani-bridge-"));
    try {
      const path = join(dir, "nuwani.json");
      await writeFile(path, JSON.stringify({ discord: valid({ formats: "echo-formats.json" }) }));
      const config = await loadConfig(path, {});
      expect(config.enabled && config.token.reveal()).toBe(TOKEN);
      for (const text of [inspect(config), JSON.stringify(config)]) {
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain(SECRET);
        expect(text).toContain("echo-formats.json");
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("regression: copies of the parsed config showed the secrets", () => {
  it("hides them in a spread copy, Object.values, structuredClone, String() and template literals", () => {
    const config = enabled(valid());
    const copies: unknown[] = [{ ...config }, Object.values(config), Object.entries(config), structuredClone({ ...config, ladder: undefined })];
    for (const copy of copies) {
      for (const text of [inspect(copy, { depth: 10 }), JSON.stringify(copy), String(Object.values(config))]) {
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain(SECRET);
      }
    }
    expect(`${String(config.token)} ${String(config.clientSecret)}`).toBe("[redacted] [redacted]");
    // structuredClone drops the private field: the clone is an empty object that reveals nothing.
    const cloned = structuredClone({ token: config.token }).token;
    expect(Secret.isSecret(cloned)).toBe(false);
    expect(Object.keys(cloned)).toEqual([]);
    expect(Secret.isSecret(config.token)).toBe(true);
  });

  it("keeps the secret in a Secret whose every rendering is [redacted]", () => {
    const secret = new Secret(TOKEN);
    expect([String(secret), JSON.stringify({ secret }), inspect(secret), inspect({ secret }), secret.toJSON()]).toEqual([
      "[redacted]",
      '{"secret":"[redacted]"}',
      "Secret [redacted]",
      "{ secret: Secret [redacted] }",
      "[redacted]",
    ]);
    expect(Object.values(secret)).toEqual([]);
    expect({ ...secret }).toEqual({});
    expect(secret.reveal()).toBe(TOKEN);
  });
});

describe("parseConfig: LVP's discord section as written (clientId, clientSecret, endpoint, token)", () => {
  const lvp = {
    clientId: "123456789012345678",
    clientSecret: SECRET,
    endpoint: "wss://gateway.discord.gg/?v=6&encoding=json",
    token: TOKEN,
  };

  it("is enabled: the guild is found on connect, channels and levels by their default names, version 6 from the endpoint", () => {
    const config = enabled(lvp);
    expect(config.guild).toBeUndefined();
    expect(config.version).toBe(6);
    expect(config.intents).toBeUndefined();
    expect(config.endpoint).toBe(lvp.endpoint);
    expect(config.channels).toMatchObject({
      echo: { kind: "default", names: ["echo"] },
      admin: { kind: "default", names: ["admin", "crew"] },
      management: { kind: "default", names: ["management"] },
      vip: { kind: "default", names: ["vip"] },
    });
    expect(config.channels.reports).toBe(config.channels.admin);
    expect(config.ladder).toBeInstanceOf(LevelLadder);
    expect(config.levels).toHaveLength(3);
  });

  it("warns that version 6 on Discord's own host is retired, but not through a proxy elsewhere", () => {
    expect(enabled(lvp).warnings).toEqual([expect.stringMatching(/version 6 .* retired on Discord's own hosts/)]);
    expect(enabled({ ...lvp, endpoint: "ws://127.0.0.1:9000/?v=6" }).warnings).toEqual([]);
    expect(enabled({ ...lvp, endpoint: undefined, version: 6 }).warnings).toHaveLength(1);
    expect(enabled({ ...lvp, endpoint: "wss://gateway.discord.gg/?v=10" }).version).toBe(10);
    expect(enabled({ ...lvp, endpoint: "wss://gateway.discord.gg/" }).version).toBe(10);
  });

  it("keeps clientSecret a secret like the token", () => {
    const config = enabled(lvp);
    expect(config.clientSecret).toBeInstanceOf(Secret);
    expect(JSON.stringify(config)).not.toContain(SECRET);
  });
});

describe("loadConfig", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "nuwani-bridge-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is off without a path", async () => {
    await expect(loadConfig(undefined, {})).resolves.toEqual({ enabled: false, reason: "no-file", warnings: [] });
  });

  it("is off when the file does not exist", async () => {
    await expect(loadConfig(join(dir, "nuwani.json"), {})).resolves.toEqual({ enabled: false, reason: "no-file", warnings: [] });
  });

  it("reads the discord section and resolves the formats path against the file", async () => {
    const path = join(dir, "nuwani.json");
    await writeFile(path, JSON.stringify({ irc: { nick: "Nuwani" }, discord: valid({ formats: "echo-formats.json" }) }));
    const config = await loadConfig(path, {});
    expect(config.enabled && config.formats).toBe(join(dir, "echo-formats.json"));
  });

  it("accepts a byte order mark", async () => {
    const path = join(dir, "nuwani.json");
    await writeFile(path, `\uFEFF${JSON.stringify({ discord: valid() })}`);
    expect((await loadConfig(path, {})).enabled).toBe(true);
  });

  it("reports malformed JSON with line and column, without the token", async () => {
    const path = join(dir, "nuwani.json");
    await writeFile(path, `{\n  "discord": {\n    "token": "${TOKEN}",\n  }\n}\n`);
    const error: unknown = await loadConfig(path, {}).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "BRIDGE_CONFIG_MALFORMED", line: 4, column: 3 });
    expect((error as BridgeError).message).toBe(`${path} is not valid JSON (line 4, column 3)`);
    expect(inspect(error)).not.toContain(TOKEN);
  });

  it("reports a file it cannot read", async () => {
    await mkdir(join(dir, "nuwani.json"));
    await expect(loadConfig(join(dir, "nuwani.json"), {})).rejects.toMatchObject({ code: "BRIDGE_CONFIG_UNREADABLE" });
  });

  it("is off when the section is disabled", async () => {
    const path = join(dir, "nuwani.json");
    await writeFile(path, JSON.stringify({ discord: { ...valid(), enabled: false } }));
    await expect(loadConfig(path, { NUWANI_DISCORD_TOKEN: TOKEN })).resolves.toMatchObject({ enabled: false, reason: "disabled" });
  });
});
