// The board's binding of the hot path's byte helpers (src/core/bytes.ts has the
// contract and the TypeScript reference): each function is native code from
// bytes.c (xsmc), linked by mcconfig from the manifest's "native/*" entry.

function scanText(bytes, start, end, buf, len) @ "xs_bd450_scan_text";
function frameText(bytes, start, end, buf, io, counters, quiet) @ "xs_bd450_frame_text";
function checkSentence(buf, n) @ "xs_bd450_check_sentence";
function fieldIndex(bytes, bodyEnd, table, max, numbers) @ "xs_bd450_field_index";
function fieldIds(numbers, max, from, to, step, lo, ids, cap, at) @ "xs_bd450_field_ids";
function wholes(numbers, idx, off, n, lo, hi, none, out, at, width) @ "xs_bd450_wholes";
function decimal(bytes, a, b) @ "xs_bd450_decimal";
function integer(bytes, a, b) @ "xs_bd450_integer";
function xor(bytes, start, end) @ "xs_bd450_xor";
function chunkEnd(src, from, length, budget) @ "xs_bd450_chunk_end";
function escape(out, p, src, from, to) @ "xs_bd450_escape";
function writeLine(out, sfi, line, seconds, sentence, length, store) @ "xs_bd450_write_line";
function tagBlock(out, p, sfi, line, seconds, gLine, gTotal, gCode, dest) @ "xs_bd450_tag_block";
function forwardText(bytes, start, end, buf, block, out, store, seconds, flags) @ "xs_bd450_forward_text";
function carrierLine(out, p, sfi, line, seconds, gLine, gTotal, gCode, dest, address, src, from, to) @ "xs_bd450_carrier_line";

export default Object.freeze({ scanText, frameText, checkSentence, fieldIndex, fieldIds, wholes, decimal, integer, xor, chunkEnd, escape, writeLine, tagBlock, forwardText, carrierLine });
