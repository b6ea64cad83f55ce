// A skipped test says why in its title (what mocha and CI report), not only on stdout.

/**
 * Skip with `reason` named in the title: from a test, that test; from a before hook, every
 * test of the suite (and its sub-suites) still to run. Never returns.
 */
export function skipBecause(ctx: Mocha.Context, reason: string): never {
  const mark = (t: Mocha.Test) => {
    if (!t.title.includes(" — SKIPPED: ")) t.title += ` — SKIPPED: ${reason}`;
  };
  const runnable = ctx.test as (Mocha.Runnable & { type?: string }) | undefined;
  if (runnable?.type === "hook") {
    const all = (s: Mocha.Suite): void => {
      for (const t of s.tests) if (t.state === undefined) mark(t);
      for (const c of s.suites) all(c);
    };
    if (runnable.parent) all(runnable.parent);
  } else if (runnable) mark(runnable as Mocha.Test);
  return ctx.skip();
}
