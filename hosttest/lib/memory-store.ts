// One in-memory settings store for the tests (the board's NVS and the host's file are tested on their own).

import type { SettingsStore } from "../../src/core/io";

type Value = string | number | boolean;

export class MemoryStore implements SettingsStore {
  values = new Map<string, Value>();
  /** Set to make the next commits fail as a full disk would. */
  failCommit = false;
  commits = 0;
  get(k: string) {
    return this.values.get(k);
  }
  set(k: string, v: Value) {
    this.values.set(k, v);
  }
  delete(k: string) {
    this.values.delete(k);
  }
  keys() {
    return Array.from(this.values.keys());
  }
  commit() {
    if (this.failCommit) throw new Error("disk full");
    this.commits++;
  }
}
