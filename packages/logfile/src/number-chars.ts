// The characters of a JSON number, as UTF-16 codes (for scanners that read a line with charCodeAt).

export const ZERO = 0x30
export const NINE = 0x39
export const MINUS = 0x2d
export const PLUS = 0x2b
export const POINT = 0x2e
export const LOWER_E = 0x65

export const isDigit = (c: number): boolean => c >= ZERO && c <= NINE
