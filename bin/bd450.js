#!/usr/bin/env node
"use strict";
// Entry point of the `bd450` command: the compiled CLI (npm run build).
const path = require("node:path");
const fs = require("node:fs");
const main = path.join(__dirname, "..", "dist", "src", "cli", "main.js");
if (!fs.existsSync(main)) {
  process.stderr.write(
    "bd450: not built yet; run `npm run build` (or `npm install`) in " + path.dirname(__dirname) + "\n",
  );
  process.exit(2);
}
require(main)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
    // A failed command may still hold sockets or timers: end now (its exit clean-up runs).
    if (code !== 0) process.exit(code);
  });
