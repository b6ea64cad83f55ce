// The bytes IEC 61162-1 gives a meaning in a sentence, by name (one place for them).

export const DOLLAR = 0x24,
  BANG = 0x21,
  STAR = 0x2a,
  COMMA = 0x2c,
  BACKSLASH = 0x5c,
  CR = 0x0d,
  LF = 0x0a;
