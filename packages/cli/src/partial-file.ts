import crypto from 'node:crypto'
import fsp from 'node:fs/promises'
import path from 'node:path'
import type { ProcessIdentity } from '@eht-influx-client/logfile'

/**
 * The hidden file an output (`export -o`, `convert -o`) is written to before
 * it is complete, beside it: `.<name>.partial-<pid>-<start>-<boot>-<ns>-<random>`.
 * The pid alone did not do: a run killed with SIGKILL (or a power cut) leaves
 * its partial file, and the next run with the same pid (a container's CLI is
 * always PID 1) found it in its way for good. So the name says which process
 * writes it (its pid, start time, boot id (8 hex digits) and pid namespace, as
 * logfile's process identity tells them; `x` for what the OS does not tell),
 * for removeDeadPartials() to know a leftover, plus a random part, so that no
 * leftover is ever in the way.
 */
export async function partialPath(target: string): Promise<string> {
  const { ownProcessIdentity } = await import('@eht-influx-client/logfile')
  const me = ownProcessIdentity()
  const boot = me.boot?.replaceAll('-', '').slice(0, 8)
  const ns = me.ns === undefined ? undefined : /^pid:\[(\d+)\]$/.exec(me.ns)?.[1]
  const owner = [me.pid, wordOf(me.start), wordOf(boot), wordOf(ns), crypto.randomBytes(4).toString('hex')].join('-')
  return path.join(path.dirname(target), `${prefixOf(target)}${owner}`)
}

/**
 * Removes the partial files of `target` left by processes that are gone (a run
 * killed with SIGKILL, a machine restarted): the ones named by partialPath()
 * and the older `.<name>.partial-<pid>`. A partial file whose owner may still
 * run is kept (another run of the same command, one in another pid namespace,
 * which cannot be checked from here, and an older name whose pid is in use).
 * Best effort: a directory that cannot be listed is left as it is (writing the
 * output there fails with its own error). Resolves to the files removed.
 */
export async function removeDeadPartials(target: string): Promise<string[]> {
  const { ownProcessIdentity, processIdentityAlive } = await import('@eht-influx-client/logfile')
  const dir = path.dirname(target)
  const prefix = prefixOf(target)
  const names = await fsp.readdir(dir).catch(() => [] as string[])
  const removed: string[] = []
  for (const name of names) {
    if (!name.startsWith(prefix)) continue
    const owner = ownerOf(name.slice(prefix.length), ownProcessIdentity())
    if (owner === undefined || processIdentityAlive(owner)) continue
    const file = path.join(dir, name)
    try {
      await fsp.rm(file)
      removed.push(file)
    } catch {
      // gone meanwhile (another run removed it), or not ours to remove: left as it is
    }
  }
  return removed
}

const prefixOf = (target: string) => `.${path.basename(target)}.partial-`
const wordOf = (value: string | undefined) => (value === undefined || value === '' ? 'x' : value)
const known = (word: string | undefined) => (word === undefined || word === 'x' ? undefined : word)

/** The process a partial file's name (after `.partial-`) records; undefined for a name partialPath() did not make. */
function ownerOf(suffix: string, me: ProcessIdentity): ProcessIdentity | undefined {
  const match = /^(\d+)(?:-(\d+|x)-([0-9a-f]{1,8}|x)-(\d+|x)-[0-9a-f]{8})?$/.exec(suffix)
  if (match === null) return undefined
  const pid = Number(match[1])
  if (!(pid > 0 && Number.isSafeInteger(pid))) return undefined
  // An older name (the pid only): whether that pid is in use decides.
  if (match[2] === undefined) return { pid }
  const boot = known(match[3])
  const ns = known(match[4])
  return {
    pid,
    start: known(match[2]),
    // The name keeps 8 hex digits of the boot id: the same boot is ours, another one is not.
    boot: boot === undefined ? undefined : me.boot !== undefined && me.boot.replaceAll('-', '').startsWith(boot) ? me.boot : boot,
    ns: ns === undefined ? undefined : `pid:[${ns}]`,
  }
}
