// Host functions of bd450's Linux program (native part: main.c).
export function args() @ "xs_bd450_args";
export function exit(status) @ "xs_bd450_exit";
export function log(line) @ "xs_bd450_log";
