import crypto from 'node:crypto'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { ProcessIdentity } from '@eht-influx-client/logfile'

/**
 * The hidden file an output (`export -o`, `convert -o`) is written to before
 * it is complete, beside it: `.<name>.partial-<host>-<pid>-<start>-<boot>-<ns>-<random>`.
 * The pid alone did not do: a run killed with SIGKILL (or a power cut) leaves
 * its partial file, and the next run with the same pid (a container's CLI is
 * always PID 1) found it in its way for good. So the name says which process
 * writes it (the host (see hostWord()), its pid, start time, boot id (8 hex
 * digits) and pid namespace, as logfile's process identity tells them; `x` for
 * what the OS does not tell), for removeDeadPartials() to know a leftover, plus
 * a random part, so that no leftover is ever in the way. A name too long for
 * a file name (255 bytes) is shortened (see prefixOf()).
 */
export async function partialPath(target: string): Promise<string> {
  const { ownProcessIdentity } = await import('@eht-influx-client/logfile')
  const me = ownProcessIdentity()
  const boot = me.boot?.replaceAll('-', '').slice(0, 8)
  const ns = me.ns === undefined ? undefined : /^pid:\[(\d{1,10})\]$/.exec(me.ns)?.[1]
  const start = me.start !== undefined && me.start.length <= 20 ? me.start : undefined
  const owner = [hostWord(), me.pid, wordOf(start), wordOf(boot), wordOf(ns), crypto.randomBytes(4).toString('hex')].join('-')
  return path.join(path.dirname(target), `${prefixOf(target)}${owner}`)
}

/** How long a partial file whose owner cannot be checked from here (another host, an older name) is left alone after its last change. */
export const UNCHECKABLE_PARTIAL_MS = 24 * 60 * 60 * 1000

/**
 * Removes the partial files of `target` left by processes that are gone (a run
 * killed with SIGKILL, a machine restarted): the ones partialPath() names for
 * this host whose process is gone. A partial file whose owner may still run is
 * kept (another run of the same command, one in another pid namespace, which
 * cannot be checked from here). One of another host (a shared folder: NFS) or
 * of an older name (`.<name>.partial-<pid>`, or without the host), whose owner
 * cannot be checked from here, is removed only once it has not changed for
 * UNCHECKABLE_PARTIAL_MS: a run of another host writing to the same output keeps
 * its file. Best effort: a directory that cannot be listed is left as it is
 * (writing the output there fails with its own error). Resolves to the files removed.
 */
export async function removeDeadPartials(target: string, nowMs = Date.now()): Promise<string[]> {
  const { ownProcessIdentity, processIdentityAlive } = await import('@eht-influx-client/logfile')
  const dir = path.dirname(target)
  const prefix = prefixOf(target)
  const names = await fsp.readdir(dir).catch(() => [] as string[])
  const removed: string[] = []
  for (const name of names) {
    if (!name.startsWith(prefix)) continue
    const owner = ownerOf(name.slice(prefix.length), ownProcessIdentity())
    if (owner === undefined) continue
    const file = path.join(dir, name)
    try {
      // Checked only when it is this host's AND this boot's: two machines whose names give the same host word
      // (two `localhost`s on one NFS folder) differ in their boot id, and another boot may be another machine.
      const me = ownProcessIdentity()
      if (owner.host === hostWord() && owner.boot !== undefined && owner.boot === me.boot) {
        if (processIdentityAlive(owner)) continue
      } else if (nowMs - (await fsp.stat(file)).mtimeMs <= UNCHECKABLE_PARTIAL_MS) continue
      await fsp.rm(file)
      removed.push(file)
    } catch {
      // gone meanwhile (another run removed it), or not ours to remove: left as it is
    }
  }
  return removed
}

/** The longest part partialPath() puts after `.partial-`: host 32, pid 10, start 20, boot 8, ns 10, random 8, and 5 dashes. */
const MAX_OWNER_BYTES = 32 + 10 + 20 + 8 + 10 + 8 + 5
/** What a file name may hold (Linux, macOS, most file systems). */
const MAX_NAME_BYTES = 255

/**
 * `.<name>.partial-`: what every partial file of `target` starts with. When a
 * partial name could pass MAX_NAME_BYTES (the longest owner part after it), the
 * name part is cut (at a whole character) and a short hash of the whole name
 * added, `.<name cut>~<8 hex>.partial-`: an output name of 205 bytes still has a
 * partial file (it failed with ENAMETOOLONG). The same for every run, so that
 * removeDeadPartials() finds the partial files of the same output.
 */
function prefixOf(target: string): string {
  const name = path.basename(target)
  const whole = `.${name}.partial-`
  if (Buffer.byteLength(whole) + MAX_OWNER_BYTES <= MAX_NAME_BYTES) return whole
  const hash = crypto.createHash('sha256').update(name).digest('hex').slice(0, 8)
  const room = MAX_NAME_BYTES - MAX_OWNER_BYTES - Buffer.byteLength(`.~${hash}.partial-`)
  let cut = ''
  for (const char of name) {
    if (Buffer.byteLength(cut + char) > room) break
    cut += char
  }
  return `.${cut}~${hash}.partial-`
}

let host: string | undefined

/**
 * This host as a partial file's name records it: os.hostname() in lower case, each run of
 * other characters than a-z and 0-9 as one `_` (a dash separates the name's words), at most
 * 32 characters (a longer one cut, with a hash of the whole); `x` when there is none.
 */
export function hostWord(): string {
  if (host === undefined) {
    const word = os.hostname().toLowerCase().replace(/[^a-z0-9]+/g, '_')
    host = word === '' ? 'x' : word.length <= 32 ? word : `${word.slice(0, 23)}_${crypto.createHash('sha256').update(word).digest('hex').slice(0, 8)}`
  }
  return host
}

const wordOf = (value: string | undefined) => (value === undefined || value === '' ? 'x' : value)
const known = (word: string | undefined) => (word === undefined || word === 'x' ? undefined : word)

/**
 * The process a partial file's name (after `.partial-`) records, with its host word (undefined for an older
 * name without it); undefined for a name partialPath() (of this or an older version) did not make.
 */
function ownerOf(suffix: string, me: ProcessIdentity): (ProcessIdentity & { host: string | undefined }) | undefined {
  const match = /^(?:([a-z0-9_]{1,32})-)??(\d+)(?:-(\d+|x)-([0-9a-f]{1,8}|x)-(\d+|x)-[0-9a-f]{8})?$/.exec(suffix)
  if (match === null) return undefined
  const pid = Number(match[2])
  if (!(pid > 0 && Number.isSafeInteger(pid))) return undefined
  // An older name (the pid only): its owner cannot be checked (see removeDeadPartials()).
  if (match[3] === undefined) return match[1] === undefined ? { host: undefined, pid } : undefined
  const boot = known(match[4])
  const ns = known(match[5])
  return {
    host: match[1],
    pid,
    start: known(match[3]),
    // The name keeps 8 hex digits of the boot id: the same boot is ours, another one is not.
    boot: boot === undefined ? undefined : me.boot !== undefined && me.boot.replaceAll('-', '').startsWith(boot) ? me.boot : boot,
    ns: ns === undefined ? undefined : `pid:[${ns}]`,
  }
}
