// The table of dispatch handlers: one entry per dispatch event the tracker understands.
// Anything not in it is ignored. A Map, so an event name from the wire can never reach an
// Object.prototype member ("__proto__", "toString", …).
import type { TrackerContext } from "../TrackerContext.js";
import type { WorkTask } from "../WorkQueue.js";
import { channelHandlers } from "./channelHandlers.js";
import { guildHandlers } from "./guildHandlers.js";
import { memberHandlers } from "./memberHandlers.js";
import { guildCreateTask, membersChunkTask } from "./memberListTasks.js";

/** Applies a small dispatch's `d` (event name `t`) at once. */
export type DispatchHandler = (ctx: TrackerContext, d: unknown, t: string) => void;

/** Makes the work of a dispatch carrying a member list, applied in slices; `undefined` to skip it. */
export type DispatchTaskFactory = (ctx: TrackerContext, d: unknown) => WorkTask | undefined;

/** One entry of the {@link DISPATCH_TABLE}: applied at once, or as a task in slices. */
export type DispatchEntry = { readonly kind: "apply"; readonly apply: DispatchHandler } | { readonly kind: "task"; readonly task: DispatchTaskFactory };

/** What the tracker does with each dispatch event; events not listed are ignored. */
export const DISPATCH_TABLE: ReadonlyMap<string, DispatchEntry> = new Map<string, DispatchEntry>([
  ["GUILD_CREATE", { kind: "task", task: guildCreateTask }],
  ["GUILD_MEMBERS_CHUNK", { kind: "task", task: membersChunkTask }],
  ...[...guildHandlers, ...channelHandlers, ...memberHandlers].map(([t, apply]) => [t, { kind: "apply", apply }] as const),
]);
