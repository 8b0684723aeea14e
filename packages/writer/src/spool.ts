import fs from 'node:fs'
import path from 'node:path'
import { formatProcessIdentity, ownProcessIdentity, parseProcessIdentity, type ProcessIdentity, processIdentityAlive } from '@eht-influx-client/logfile'
import { SpoolDrainError, SpoolFullError } from './errors.js'
import { JoinedLines } from './joined-lines.js'
import type { SpoolBudget } from './spool-budget.js'

/** A spooled file waiting for delivery (line protocol, one point a line, readable by `readLogs`). */
export interface SpoolFile {
  server: string
  file: string
  bytes: number
  /**
   * A `.open` file whose writer ended without sealing it (a crash): listed only
   * when asked for; the next client or `spool drain` seals and delivers it.
   */
  unsealed?: true
}

/** What a spool file's name ends in while it is written. */
export const OPEN_SUFFIX = '.open'

/** The name `open` (a `.open` spool file) takes when it is sealed. */
export const sealedName = (open: string): string => open.slice(0, -OPEN_SUFFIX.length)
const SEALED = /^spool-[0-9TZ]+-\d+-\d+\.lp$/
const OPEN = /^spool-[0-9TZ]+-(\d+)-\d+\.lp\.open$/
const OWNED = /^spool-[0-9TZ]+-(\d+)-\d+\.lp\.open\.owner$/

/** The folder of one server inside `[spool] dir` (the name made safe for a file system). */
export function serverSpoolDir(spoolDir: string, server: string): string {
  return path.join(spoolDir, server.replace(/[^A-Za-z0-9._-]/g, '_'))
}

/** Beside a `.open` file while it is written: its writer's identity (`pid boot start`), so a reused pid is not taken for it. */
const OWNER_SUFFIX = '.owner'

/** `.open` files this process created (and has not sealed): another file with our pid is a previous run's. */
const ownOpen = new Set<string>()

/** The spool's rule: an owner without a pid namespace (an older version's file) is judged by its pid alone. */
const identityAlive = (owner: ProcessIdentity) => processIdentityAlive(owner, { pidOnlyWithoutNamespace: true })

/** True while the writer of the `.open` file `file` (whose name holds `pid`) may still be writing it. */
async function writerAlive(file: string, pid: number): Promise<boolean> {
  if (ownOpen.has(file)) return true
  const text = await fs.promises.readFile(`${file}${OWNER_SUFFIX}`, 'utf8').catch(() => undefined)
  // `pid boot start ns` (a file of an unreleased version may lack ns).
  const [ownerPid, boot, start, ns] = (text ?? '').trim().split(' ')
  if (text !== undefined && Number(ownerPid) === pid) {
    const owner = { ...parseProcessIdentity(ownerPid, boot, start, ns), pid }
    // Our pid with another start time is a previous run's; with ours (or where start times cannot tell), it
    // may be another thread's or another copy of this package's in this process (ownOpen is per copy).
    return identityAlive(owner)
  }
  // An older version's file (the pid only): one of our pid that this process did not create is a previous run's.
  return pid !== process.pid && identityAlive({ pid })
}

/**
 * Sealed spool files of one server, oldest first; with `unsealed`, also the
 * `.open` files of writers that are gone (a crash). A folder that is not there
 * is an empty spool; one that cannot be read is an error naming it.
 */
export async function listServerSpool(spoolDir: string, server: string, options: { unsealed?: boolean } = {}): Promise<SpoolFile[]> {
  return listSpoolFolder(serverSpoolDir(spoolDir, server), server, options.unsealed === true)
}

async function listSpoolFolder(dir: string, server: string, unsealed: boolean): Promise<SpoolFile[]> {
  let names: string[]
  try {
    names = await fs.promises.readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw new SpoolDrainError(`cannot list the spool folder ${dir} of server "${server}": ${(error as Error).message}`, server, { cause: error })
  }
  const files: SpoolFile[] = []
  for (const name of names.sort()) {
    const file = path.join(dir, name)
    const open = unsealed ? OPEN.exec(name) : null
    if (!SEALED.test(name) && (open === null || (await writerAlive(file, Number(open[1]))))) continue
    const stat = await fs.promises.stat(file).catch(() => undefined)
    if (stat !== undefined) files.push({ server, file, bytes: stat.size, ...(open === null ? {} : { unsealed: true as const }) })
  }
  return files
}

/**
 * Spool files in folders of `[spool] dir` that belong to none of `servers` (a
 * server renamed or removed from the configuration): nobody delivers them, but
 * they count against `[spool] max_size`. `server` is the folder's name.
 */
export async function listUnconfiguredSpool(spoolDir: string, servers: readonly string[]): Promise<SpoolFile[]> {
  const known = new Set(servers.map((name) => path.basename(serverSpoolDir(spoolDir, name))))
  let entries: fs.Dirent[]
  try {
    entries = await fs.promises.readdir(spoolDir, { withFileTypes: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const folders = entries.filter((e) => e.isDirectory() && !known.has(e.name)).map((e) => e.name)
  const lists = await Promise.all(folders.sort().map((name) => listSpoolFolder(path.join(spoolDir, name), name, true)))
  return lists.flat()
}

let sequence = 0

const code = (error: unknown): string => String((error as NodeJS.ErrnoException)?.code ?? '')

/** A disk (or quota) with no room: the spool is full, though not by max_size. */
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT'])
/** The process (or the system) has too many files open: tried again after these pauses (ms), then dropped. */
const TOO_MANY_FILES = new Set(['EMFILE', 'ENFILE'])
const FILES_RETRY_MS = [50, 100, 200, 400, 800]

/** How many whole lines (each ending in \n) at the start of `chunk` fit in `room` bytes, and their bytes. */
function leadingLines(chunk: Buffer, room: number): { lines: number; bytes: number } {
  let lines = 0
  let bytes = 0
  for (let end = chunk.indexOf(0x0a); end >= 0 && end < room; end = chunk.indexOf(0x0a, end + 1)) {
    lines++
    bytes = end + 1
  }
  return { lines, bytes }
}

/** Writes all of `bytes` at the end of the file (O_APPEND), however many write() calls it takes. */
async function writeAll(handle: fs.promises.FileHandle, bytes: Buffer): Promise<void> {
  for (let done = 0; done < bytes.length; ) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten
}

/**
 * One server's spool: line protocol (as the outbox has it: made and checked by
 * the encoder, one point a line, the format of logfile's `.lp` files) appended
 * and fdatasync'ed to a file named `spool-<UTC time>-<pid>-<n>.lp.open`, which
 * only this process writes; sealed (renamed to `.lp`) before it is drained, so
 * a drainer never reads a file still being written.
 */
export class ServerSpool {
  private writer: fs.promises.FileHandle | undefined
  private openPath: string | undefined
  private chain: Promise<unknown> = Promise.resolve()
  readonly dir: string

  constructor(
    readonly server: string,
    spoolDir: string,
    private readonly budget: SpoolBudget,
  ) {
    this.dir = serverSpoolDir(spoolDir, server)
  }

  /**
   * Seals `.open` files left by processes that are gone (a crash), also when
   * their pid is in use again: they become drainable.
   */
  async recoverStale(): Promise<void> {
    const names = await fs.promises.readdir(this.dir).catch(() => [] as string[])
    const present = new Set(names)
    for (const name of names) {
      const match = OPEN.exec(name)
      const file = path.join(this.dir, name)
      if (match !== null && !(await writerAlive(file, Number(match[1])))) {
        await fs.promises.rename(file, sealedName(file)).catch(() => undefined)
        await fs.promises.rm(`${file}${OWNER_SUFFIX}`, { force: true })
      }
      // An owner file whose `.open` file is gone (a crash between sealing and removing it).
      const owned = OWNED.exec(name)
      if (owned !== null && !present.has(name.slice(0, -OWNER_SUFFIX.length)) && !(await writerAlive(file.slice(0, -OWNER_SUFFIX.length), Number(owned[1])))) {
        await fs.promises.rm(file, { force: true })
      }
    }
  }

  /**
   * Appends lines (in order with every other spool operation); throws
   * SpoolFullError when they cannot all be kept. When `max_size` leaves room
   * for only some of them, the first ones that fit (whole lines) are kept, and
   * the error says how many (`spooled`).
   */
  append(lines: readonly string[] | JoinedLines): Promise<void> {
    const joined = JoinedLines.from(lines)
    if (joined.count === 0) return Promise.resolve()
    return this.serial(async () => {
      // The lines as bytes (never decoded again), and the last one's newline: one buffer, one write.
      const body = joined.body
      const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length
      let chunk = Buffer.allocUnsafe(length + 1)
      if (typeof body === 'string') chunk.write(body)
      else body.copy(chunk)
      chunk[length] = 0x0a
      let kept = joined.count
      // (A second, awaited check only when the budget looks spent: the appends that fit pay nothing more.)
      if (!this.budget.reserve(chunk.length) && !(await this.budget.reserveOrRecount(chunk.length))) {
        // The first lines that fit the room left: a batch larger than the room (or than max_size) is not dropped whole.
        const fit = leadingLines(chunk, this.budget.maxBytes - this.budget.usedBytes)
        if (fit.lines === 0 || !this.budget.reserve(fit.bytes)) throw await this.fullError(joined.count, 0, chunk)
        chunk = chunk.subarray(0, fit.bytes)
        kept = fit.lines
      }
      try {
        await this.writeRetrying(chunk)
      } catch (error) {
        this.budget.release(chunk.length, true)
        const reason = DISK_FULL.has(code(error)) ? 'spool-full' : 'spool-unwritable'
        const detail = (error as Error).message
        throw new SpoolFullError(`cannot write the spool in ${this.dir}: ${detail}; ${joined.count} points for server "${this.server}" are only in the logfile`, this.server, { cause: error, reason, detail })
      }
      if (kept < joined.count) throw await this.fullError(joined.count, kept, chunk)
    })
  }

  /** The SpoolFullError for `count` points of which the first `kept` (`chunk`, when some) were spooled. */
  private async fullError(count: number, kept: number, chunk: Buffer): Promise<SpoolFullError> {
    const { maxBytes, usedBytes } = this.budget
    const lost = kept === 0 ? `${count} points` : `${count - kept} of ${count} points`
    const only = `${lost} for server "${this.server}" are only in the logfile${kept === 0 ? '' : ` (the first ${kept} are in the spool)`}; replay them from there once the server is back`
    // Nothing else in the spool, and still no room for the first point: max_size is the matter, not a full spool.
    const first = chunk.indexOf(0x0a) + 1
    const tooLarge = kept === 0 && usedBytes === 0 && first > maxBytes
    const unconfigured = tooLarge ? undefined : await this.budget.unconfigured()
    // detail stays short (it is shown beside counts: the outcome's dropCause); the advice is in the message only.
    const others = unconfigured === undefined ? '' : `, ${unconfigured.bytes} of them in folders of servers no longer configured: ${unconfigured.names.join(', ')}`
    const advice =
      unconfigured === undefined
        ? ''
        : `; nobody delivers ${unconfigured.folders.join(', ')} (servers no longer configured): add the server back to the configuration (and run 'spool drain'), or move or delete the folder`
    const detail = tooLarge ? `a point of ${first} bytes, [spool] max_size ${maxBytes} bytes` : `[spool] max_size ${maxBytes} bytes, ${usedBytes} used${others}`
    const message = tooLarge
      ? `a point of ${first} bytes is larger than the whole spool ([spool] max_size ${maxBytes} bytes): ${only}; raise max_size`
      : `spool is full (${detail}): ${only}${advice}`
    return new SpoolFullError(message, this.server, { reason: 'spool-full', spooled: kept, detail })
  }

  /**
   * Writes `chunk`, trying again a few times, briefly, when the process has too
   * many files open (EMFILE, ENFILE): sockets and files of other servers come
   * and go, and a moment later there may be one to spare.
   */
  private async writeRetrying(chunk: Buffer): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.write(chunk)
      } catch (error) {
        if (!TOO_MANY_FILES.has(code(error)) || attempt >= FILES_RETRY_MS.length) throw error
        await new Promise((resolve) => setTimeout(resolve, FILES_RETRY_MS[attempt]))
      }
    }
  }

  /** Appends `chunk` (its bytes reserved) to the file being written, opened if need be. */
  private async write(chunk: Buffer): Promise<void> {
    let before: number | undefined
    try {
      if (this.writer === undefined) {
        const stamp = new Date().toISOString().replace(/[-:.]/g, '')
        const file = path.join(this.dir, `spool-${stamp}-${process.pid}-${sequence++}.lp${OPEN_SUFFIX}`)
        await fs.promises.mkdir(this.dir, { recursive: true })
        // Ours before its owner file exists: a recoverStale() of this process meanwhile must not take the
        // owner file for a leftover of a previous run with our pid (nor then the file, judged by its pid).
        ownOpen.add(file)
        try {
          // Who writes it, before it exists (a file without one is judged by its pid alone).
          await fs.promises.writeFile(`${file}${OWNER_SUFFIX}`, `${formatProcessIdentity(ownProcessIdentity())}\n`)
          this.writer = await fs.promises.open(file, 'a')
          this.budget.opened(file)
        } catch (error) {
          ownOpen.delete(file)
          await fs.promises.rm(`${file}${OWNER_SUFFIX}`, { force: true })
          throw error
        }
        this.openPath = file
      }
      before = (await this.writer.stat()).size
      await writeAll(this.writer, chunk)
      await this.writer.datasync()
      this.budget.written(chunk.length, this.openPath)
    } catch (error) {
      // A write that failed half way is cut back off, so the spool never holds part of
      // a batch that was reported as kept only in the logfile (replaying the logfile
      // would otherwise send those points twice); later points go to a new file.
      if (before !== undefined) await this.writer?.truncate(before).catch(() => undefined)
      await this.sealOpen().catch(() => undefined)
      throw error
    }
  }

  /** Closes the file being written and makes it drainable. */
  seal(): Promise<void> {
    return this.serial(() => this.sealOpen())
  }

  private async sealOpen(): Promise<void> {
    const writer = this.writer
    const open = this.openPath
    this.writer = undefined
    this.openPath = undefined
    if (writer === undefined || open === undefined) return
    try {
      await writer.close()
      await fs.promises.rename(open, sealedName(open))
    } finally {
      // No longer written, sealed or not: a file left `.open` (the rename failed) is recovered like a crashed
      // run's, also by this process; its owner file stays until then, so others still see whose it was.
      ownOpen.delete(open)
      this.budget.closed(open)
    }
    await fs.promises.rm(`${open}${OWNER_SUFFIX}`, { force: true })
  }

  /** Deletes a drained file and gives its bytes back to the budget. */
  async remove(file: string): Promise<void> {
    const stat = await fs.promises.stat(file).catch(() => undefined)
    await fs.promises.rm(file, { force: true })
    if (stat !== undefined) this.budget.release(stat.size)
  }

  /** Resolves once every spool operation started so far is done. */
  idle(): Promise<void> {
    return this.serial(async () => {})
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.chain.then(op)
    this.chain = run.catch(() => undefined)
    return run
  }
}
