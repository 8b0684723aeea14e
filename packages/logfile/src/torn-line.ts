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

/** How long the size of a file that seems torn must stay the same before it counts as torn. */
const SETTLE_MS = 25

/**
 * True when the file of `size` bytes ends without a newline (its last line is
 * torn). Another process may be in the middle of an append (its size grows page
 * by page while it is read): then the size changes within SETTLE_MS and the
 * check is made again at the new end; a torn end stays as it is.
 */
export async function endsTorn(handle: FileHandle, size: number): Promise<boolean> {
  const last = Buffer.alloc(1)
  for (let end = size, attempt = 0; attempt < 5; attempt++) {
    if (end === 0) return false
    await handle.read(last, 0, 1, end - 1)
    if (last[0] === 0x0a) return false
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
    const now = (await handle.stat()).size
    if (now === end) return true
    end = now
  }
  return false // other processes keep appending whole lines: the end is theirs, not a tear
}
