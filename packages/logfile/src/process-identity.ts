import fs from 'node:fs'

/**
 * A process as a file records its owner (a lock, a claim): the pid, which the
 * OS hands out again (after a reboot, to a container's PID 1 restarted, to a
 * boot service), and, where the OS tells them (Linux `/proc`), the boot id,
 * the process's start time (clock ticks after boot), which a reused pid does
 * not share, and its pid namespace (`pid:[4026531836]`): a pid means a
 * process only inside its namespace (a container has its own; the boot id is
 * the same in all of them).
 *
 * One implementation for the compression claims here, the writer's spool
 * locks and `.owner` files and replay's checkpoint locks.
 */
export interface ProcessIdentity {
  /** A pid as a file recorded it: a positive integer (callers pass nothing else: 0 or less names a process group to kill()). */
  pid: number
  boot?: string | undefined
  start?: string | undefined
  ns?: string | undefined
}

const read = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

/** Field 22 (`starttime`) of /proc/<pid>/stat; undefined where there is none. */
function startTimeOf(pid: number | 'self'): string | undefined {
  const stat = read(`/proc/${pid}/stat`)
  if (stat === undefined) return undefined
  // Field 2 (the command name, in parentheses) may hold spaces: count from after it (field 3).
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  return start !== undefined && /^\d+$/.test(start) ? start : undefined
}

function ownPidNamespace(): string | undefined {
  try {
    const ns = fs.readlinkSync('/proc/self/ns/pid')
    return /^\S+$/.test(ns) ? ns : undefined
  } catch {
    return undefined
  }
}

let self: ProcessIdentity | undefined

/** This process (read once). */
export function ownProcessIdentity(): ProcessIdentity {
  if (self === undefined) {
    const boot = read('/proc/sys/kernel/random/boot_id')?.trim()
    self = { pid: process.pid, boot: boot === '' ? undefined : boot, start: startTimeOf('self'), ns: ownPidNamespace() }
  }
  return self
}

/** `pid boot start ns`, the words files keep (`-` for what the OS does not tell). */
export function formatProcessIdentity(id: ProcessIdentity): string {
  return `${id.pid} ${id.boot ?? '-'} ${id.start ?? '-'} ${id.ns ?? '-'}`
}

/**
 * The identity from the words formatProcessIdentity() wrote (a file may hold
 * other words between them, or lack the last ones: older versions wrote the
 * pid only). `pid` is NaN when its word is not a decimal number.
 */
export function parseProcessIdentity(pid: string | undefined, boot?: string, start?: string, ns?: string): ProcessIdentity {
  const known = (v: string | undefined) => (v === undefined || v === '' || v === '-' ? undefined : v)
  return { pid: pid !== undefined && /^\d+$/.test(pid) ? Number(pid) : NaN, boot: known(boot), start: known(start), ns: known(ns) }
}

/**
 * Whether process `pid` exists in our pid namespace (EPERM: it does, as another user). A pid that is not a
 * positive whole number names no process: false (kill(0) or kill(-n) would signal a process group, ours included).
 */
function pidAlive(pid: number): boolean {
  if (!(pid > 0 && Number.isSafeInteger(pid))) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** True when `owner` was recorded in another pid namespace than ours (a container's): its pid cannot be checked here. */
export function inOtherPidNamespace(owner: ProcessIdentity): boolean {
  const me = ownProcessIdentity()
  return owner.ns !== undefined && me.ns !== undefined && owner.ns !== me.ns
}

/**
 * True when `owner` is this very process: our pid and start time, and boot id
 * where both are known. Where a start time is unknown (no /proc), false, unless
 * `writtenAgoMs` (the age of the file that recorded `owner`) says the file was
 * written since this process started: a process that had our pid before had
 * ended by then.
 */
export function isThisProcess(owner: ProcessIdentity, options: { writtenAgoMs?: number } = {}): boolean {
  const me = ownProcessIdentity()
  if (owner.pid !== me.pid) return false
  if (owner.boot !== undefined && me.boot !== undefined && owner.boot !== me.boot) return false
  if (owner.start !== undefined && me.start !== undefined) return owner.start === me.start
  return options.writtenAgoMs !== undefined && options.writtenAgoMs < process.uptime() * 1000
}

/**
 * True while the process `owner` describes may still run. Another boot id: the
 * machine was restarted since, the process is gone. Another pid namespace: it
 * cannot be checked here, so it counts as alive. In ours, only the very same
 * process is alive (same pid and start time): a pid handed out again is not.
 * Without a start time (no /proc) the pid alone decides: alive while any
 * process has it (our own pid: alive).
 *
 * `pidOnlyWithoutNamespace`: where either side's pid namespace is unknown (a
 * file of a version that did not record it, an OS without /proc), the pid
 * alone decides, start time or not (our own pid: alive), as the writer's
 * spool did before namespaces were recorded.
 */
export function processIdentityAlive(owner: ProcessIdentity, options: { pidOnlyWithoutNamespace?: boolean } = {}): boolean {
  const me = ownProcessIdentity()
  if (owner.boot !== undefined && me.boot !== undefined && owner.boot !== me.boot) return false
  if (options.pidOnlyWithoutNamespace === true && (owner.ns === undefined || me.ns === undefined)) return owner.pid === me.pid || pidAlive(owner.pid)
  if (inOtherPidNamespace(owner)) return true
  if (owner.pid === me.pid) return owner.start === undefined || me.start === undefined || owner.start === me.start
  if (!pidAlive(owner.pid)) return false
  if (owner.start === undefined) return true
  const now = startTimeOf(owner.pid)
  return now === undefined || now === owner.start
}
