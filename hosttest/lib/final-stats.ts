// The statistics line `bd450 gateway` writes on stderr as it exits ({"final": ...}).

/** The first final-statistics line in a gateway process's stderr, parsed; null when there is none. */
export function finalStats(stderr: string): any {
  const line = stderr.split("\n").find((l) => l.startsWith('{"final"'));
  return line ? JSON.parse(line) : null;
}
