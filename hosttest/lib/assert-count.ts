// Fails every test whose assertions did not run (loaded by .mocharc.json "require").
//
// A test that passes without calling a single assertion proves nothing: its loop ran over
// nothing, its checks sat behind an `if` that was never true. Every function of node:assert
// (and of its strict variant) is wrapped to count calls; a test that finishes with the
// count at zero is failed with a message saying so. A test that legitimately has no
// assertion (rare: say why) calls noAssertionsExpected("why") in its body.
//
// Cheap: one counter increment per assertion, one comparison per test.
import type * as nodeAssert from "node:assert";

import Mocha = require("mocha");

let count = 0;
let exempt = false;

/** Assertions counted in the running test (tests of this check read it). */
export function assertionCount(): number {
  return count;
}

/** The running test has, on purpose, no assertion; `why` says why (kept for the reader). */
export function noAssertionsExpected(why: string): void {
  if (!why) throw new Error("noAssertionsExpected needs a reason");
  exempt = true;
}

const NOT_ASSERTIONS = new Set(["AssertionError", "CallTracker", "strict"]);

function wrapAll(target: Record<string, unknown>, keep: ReadonlySet<string> = NOT_ASSERTIONS): void {
  for (const key of Object.keys(target)) {
    const f = target[key];
    if (typeof f !== "function" || keep.has(key) || (f as { counted?: boolean }).counted) continue;
    const counted = function (this: unknown, ...args: unknown[]) {
      count++;
      return (f as (...a: unknown[]) => unknown).apply(this, args);
    };
    (counted as unknown as { counted: boolean }).counted = true;
    target[key] = counted;
  }
}

// The module object itself (import * as assert from "node:assert" reads its properties live)
// and the strict variant (node:assert/strict is the same object as node:assert's .strict).
const mod = require("node:assert") as typeof nodeAssert & Record<string, unknown>;
// Node's match/doesNotMatch tell themselves apart by comparing with the module's own
// `match` property: those two stay unwrapped on the module object (the tests use the strict
// object, whose match is wrapped).
wrapAll(mod, new Set([...NOT_ASSERTIONS, "match", "doesNotMatch"]));
wrapAll(mod.strict as unknown as Record<string, unknown>);

type RunFn = (this: Mocha.Test, fn: (err?: unknown) => void) => void;
const testProto = Mocha.Test.prototype as unknown as { run: RunFn; __assertCount?: boolean };
if (!testProto.__assertCount) {
  testProto.__assertCount = true;
  const run = (Mocha.Runnable.prototype as unknown as { run: RunFn }).run;
  testProto.run = function (this: Mocha.Test, fn: (err?: unknown) => void) {
    count = 0;
    exempt = false;
    run.call(this, (err?: unknown) => {
      if (!err && count === 0 && !exempt && !this.isPending())
        err = new Error(
          "no assertion ran in this test (a loop over nothing, or checks behind an if that never held); " +
            'if that is intended, call noAssertionsExpected("why") from hosttest/lib/assert-count',
        );
      fn(err);
    });
  };
}
