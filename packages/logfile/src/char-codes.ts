// The character codes the byte and line scanners compare with (the same as
// UTF-16 code units for charCodeAt). The characters of a number are in
// number-chars.ts.

export const QUOTE = 0x22
export const COMMA = 0x2c
export const EQUALS = 0x3d
export const CLOSE = 0x7d
export const SPACE = 0x20
export const BACKSLASH = 0x5c
export const NEWLINE = 0x0a
