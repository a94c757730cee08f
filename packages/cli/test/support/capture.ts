/** Captured stdout and stderr of a CLI run. */
export interface Captured {
  out: string;
  err: string;
  stdout: { write(text: string): boolean; isTTY?: boolean };
  stderr: { write(text: string): boolean };
}

export function capture(tty = false): Captured {
  const captured: Captured = {
    out: "",
    err: "",
    stdout: {
      isTTY: tty,
      write: (text) => {
        captured.out += text;
        return true;
      },
    },
    stderr: {
      write: (text) => {
        captured.err += text;
        return true;
      },
    },
  };
  return captured;
}

/** The numbers of the summary's game → Discord accounting. */
export function accounting(out: string): { emitted: number; delivered: number; coalesced: number; dropped: number; queued: number; total: number } {
  const emitted = Number(/(\d+) lines emitted/.exec(out)?.[1]);
  const match = /(\d+) delivered \+ (\d+) coalesced \+ (\d+) dropped(?:, (\d+) still queued)? = (\d+)/.exec(out);
  if (match === null) throw new Error(`no accounting in:\n${out}`);
  const [, delivered, coalesced, dropped, queued = "0", total] = match;
  return { emitted, delivered: Number(delivered), coalesced: Number(coalesced), dropped: Number(dropped), queued: Number(queued), total: Number(total) };
}
