/** The rate-limit identity of a request path (see {@link routeKey}). */
export interface RouteKey {
  /**
   * The route with its major parameter kept and other ids replaced, e.g.
   * `/channels/123/messages/:id` or `/channels/123/messages/:id/reactions`.
   */
  route: string;
  /** The major parameter (`channel_id`, `guild_id` or `webhook_id`), or `""`. */
  major: string;
  /** `METHOD route`, the key of the route's bucket until Discord names its bucket. */
  key: string;
}

const MAJOR_RESOURCES = new Set(["channels", "guilds", "webhooks"]);
const SNOWFLAKE = /^\d{15,21}$/;

/**
 * Normalises a request path into its rate-limit route. Discord limits per route and per
 * major parameter: the id right after `channels`, `guilds` or `webhooks` is kept; every other
 * snowflake becomes `:id`, a webhook token `:token`, and everything after `reactions` is
 * dropped (all reaction routes of a channel share a bucket). The query string is ignored.
 */
export function routeKey(method: string, path: string): RouteKey {
  const parts = path.split("?")[0]!.split("/").filter((part) => part !== "");
  const out: string[] = [];
  let major = "";
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const previous = parts[i - 1];
    if (i === 1 && previous !== undefined && MAJOR_RESOURCES.has(previous)) {
      major = part;
      out.push(part);
    } else if (i === 2 && parts[0] === "webhooks") {
      out.push(":token");
    } else if (part === "reactions") {
      out.push(part);
      break;
    } else {
      out.push(SNOWFLAKE.test(part) ? ":id" : part);
    }
  }
  const route = `/${out.join("/")}`;
  return { route, major, key: `${method.toUpperCase()} ${route}` };
}
