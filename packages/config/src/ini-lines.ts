/** A value as it must be written so that the scanner reads it back exactly. */
export function iniValue(value: string): string {
  return /(^|\s)[;#]/.test(value) || /^["']/.test(value) || value !== value.trim() ? JSON.stringify(value) : value
}

/** `key = value`, or `;key = value` for a key left unset. */
export function keyLine(key: string, value: string | undefined, example = ''): string {
  return value === undefined ? `;${key} = ${iniValue(example)}`.trimEnd() : `${key} = ${iniValue(value)}`
}
