/*
 * The project's native helpers (src/native/bytes.c, fixes.c) as the XS test hosts install
 * them: one list for the x86 host (bd450-xst.c) and the RV32 host (rv32/), by the
 * names the board's `@ "xs_..."` declarations use, with their argument counts.
 */
#define BD450_NATIVES(X) \
	X(xs_bd450_scan_text, 5) \
	X(xs_bd450_frame_text, 7) \
	X(xs_bd450_chunk_end, 4) \
	X(xs_bd450_escape, 5) \
	X(xs_bd450_check_sentence, 2) \
	X(xs_bd450_xor, 3) \
	X(xs_bd450_field_index, 5) \
	X(xs_bd450_field_ids, 9) \
	X(xs_bd450_wholes, 10) \
	X(xs_bd450_decimal, 3) \
	X(xs_bd450_integer, 3) \
	X(xs_bd450_write_line, 7) \
	X(xs_bd450_tag_block, 9) \
	X(xs_bd450_forward_text, 9) \
	X(xs_bd450_carrier_line, 13) \
	X(xs_bd450_fix_apply, 4)

#define BD450_DECLARE(name, argc) extern void name(xsMachine* the);
BD450_NATIVES(BD450_DECLARE)
