// The board's binding of the Beidou wiring's native sentence path (fixes.c; the
// contract, FixApply, and the JS path it stands in for are in src/beidou/wiring.ts).

function fixApply(bytes, length, cells, clock) @ "xs_bd450_fix_apply";

export default fixApply;
