import type { FileHandle } from 'node:fs/promises'

/**
 * Appended to a torn last line (a file that does not end in a newline after a
 * crash) before the writer continues on a new line. It makes the torn line
 * unreadable in every format, so a number cut short (`21.5` torn to `21.`, a
 * timestamp torn to fewer digits) is reported as a bad line instead of being
 * read as a wrong value: the double quote is invalid in an unquoted CSV cell
 * and after a closing quote, unterminates a quoted one, and cannot continue a
 * line-protocol number or timestamp; JSON cannot end there.
 */
export const TORN_MARKER = '"<torn by a crash; continued on the next line>'

export const TORN_REASON = 'torn line: cut short by a crash (the writer continued on the next line); skipped'

/** True when the file of `size` bytes ends without a newline (its last line is torn). */
export async function endsTorn(handle: FileHandle, size: number): Promise<boolean> {
  if (size === 0) return false
  const last = Buffer.alloc(1)
  await handle.read(last, 0, 1, size - 1)
  return last[0] !== 0x0a
}
