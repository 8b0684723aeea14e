import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { EHTConfig, ServerConfig } from '@eht-influx-client/config'
import { formatRfc3339, isGzipPath, writeFileAtomic } from '@eht-influx-client/logfile'
import { lockFileOf } from './checkpoint-lock.js'
import { CheckpointError } from './errors.js'
import { fingerprintMismatch, fingerprintOf, HEAD_BYTES, identityOf, type FileIdentity, type Fingerprint } from './file-fingerprint.js'

/**
 * How far one logfile was delivered: every line ending at or before `offset`
 * (1-based `line`) is done. On disk also the file's fingerprint at that
 * offset (see Fingerprint), checked before the checkpoint skips anything;
 * checkpoints written before fingerprints have none and are taken as they are.
 */
export interface FileCheckpoint extends Partial<Fingerprint> {
  /** Byte offset in the (decompressed) file. */
  offset: number
  /** The last line done: the line ending at `offset`, or a later bad line (reported, and not again). */
  line: number
}

/** A checkpoint that did not match its file, which is therefore replayed from its start. */
export interface CheckpointRestart {
  file: string
  reason: string
}

/** Checkpoints verified at once at the start of a replay (each file opened and read briefly). */
const VERIFY_AT_ONCE = 16

/**
 * What a checkpoint belongs to: a server target and the measurements selected
 * (its file, see checkpointFile()), and the time range selected, which is
 * recorded in it: a later replay resumes from it when its own range lies
 * within that one (see covers()), and starts over otherwise.
 */
export interface CheckpointScope {
  server: Pick<ServerConfig, 'name' | 'url' | 'api' | 'org' | 'bucket'>
  since?: bigint | undefined
  until?: bigint | undefined
  measurements?: readonly string[] | undefined
}

interface CheckpointFileContent {
  version: 1
  server: string
  bucket: string
  since: string | null
  until: string | null
  measurements: string[] | null
  updated: string
  files: Record<string, FileCheckpoint>
}

/** The folder holding replay checkpoints: beside `[spool] dir`, named `<spool dir>-replay-checkpoints`. */
export function checkpointDir(config: Pick<EHTConfig, 'spool'>): string {
  return `${path.resolve(config.spool.dir)}-replay-checkpoints`
}

/**
 * One file per server target (url, api, org, bucket) and measurements selected.
 * Not per time range: a relative range (the CLI's `--since 7d` is now - 7 days
 * at each run) would make every run a new checkpoint, which skips nothing. The
 * range is recorded in the file instead (see covers()).
 */
export function checkpointFile(dir: string, scope: Pick<CheckpointScope, 'server' | 'measurements'>): string {
  return fileOfKey(dir, scope.server, '', '', scope.measurements ?? [])
}

/**
 * The checkpoint file of a key. Checkpoints once had since and until in their
 * key; the two places stay, empty, so a checkpoint made without since or until
 * keeps its file (see supersededFiles() for the others).
 */
function fileOfKey(dir: string, server: CheckpointScope['server'], since: string, until: string, measurements: readonly string[]): string {
  const identity = JSON.stringify([server.url, server.api, server.org, server.bucket, since, until, [...measurements].sort()])
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 12)
  return path.join(dir, `${server.name.replace(/[^A-Za-z0-9._-]/g, '_')}-${hash}.json`)
}

/** A checkpoint's recorded time range: null where it had no bound. */
interface RecordedRange {
  since: bigint | null
  until: bigint | null
}

/** undefined when the file holds something else than a time (damaged): it is then not used. */
function recordedRange(content: Partial<CheckpointFileContent>): RecordedRange | undefined {
  // Absent (a file written by hand) is no bound, as null is; any other value than ns digits is damage.
  const bound = (value: unknown): bigint | null | undefined => (value === null || value === undefined ? null : typeof value === 'string' && /^-?\d+$/.test(value) ? BigInt(value) : undefined)
  const since = bound(content.since)
  const until = bound(content.until)
  return since === undefined || until === undefined ? undefined : { since, until }
}

/**
 * True when a checkpoint made for the range `recorded` holds for `scope`'s
 * range: the new range lies within it (since not earlier, until not later).
 * Every line before a file's offset that the new range takes was then in the
 * old one, so the server has it. A wider range starts over: the lines the old
 * one left out before the offsets were never sent.
 */
function covers(recorded: RecordedRange, scope: CheckpointScope): boolean {
  const sinceOk = recorded.since === null || (scope.since !== undefined && scope.since >= recorded.since)
  const untilOk = recorded.until === null || (scope.until !== undefined && scope.until <= recorded.until)
  return sinceOk && untilOk
}

/** A time bound for a message: RFC 3339 (nine digits), or the ns number where it has no date. */
function describeBound(ns: bigint | null | undefined): string {
  if (ns === null || ns === undefined) return 'none'
  try {
    return formatRfc3339(ns)
  } catch {
    return `${ns} ns`
  }
}

const describeRange = (since: bigint | null | undefined, until: bigint | null | undefined) => `since ${describeBound(since)}, until ${describeBound(until)}`

/**
 * Where the checkpoint of `file` is written between its durable writes (see
 * DURABLE_INTERVAL_MS): `<server>-<hash>.recent.json`, beside it.
 */
function recentFileOf(file: string): string {
  return `${file.replace(/\.json$/, '')}.recent.json`
}

/**
 * The checkpoint file is rewritten with fsync (a durable write) at most this
 * often, and at the end of a replay; writes in between go to the recent file
 * without fsync. Both are atomic replaces, so after a `kill -9` the next
 * replay starts from the latest write, as before; only a power cut can take
 * it back to the last durable write, about a second earlier (those points
 * are sent again; InfluxDB stores an identical point once). With an fsync
 * per write (about 75 writes, 150 fsyncs per 1 M points), a replay against a
 * server that answers at once took 1.23 s instead of 1.13 s, and 2% more CPU
 * (medians of 12 alternated runs); a slower disk waits longer for each.
 */
const DURABLE_INTERVAL_MS = 1000

/** Numbers the temporary files of this process's checkpoint writes. */
let tempSequence = 0

/**
 * The temporary file of a write of `file`: `.<name>.<pid>.<n>.tmp` beside it,
 * named here (not left to writeFileAtomic's default) so that a leftover of a
 * killed process is recognised by its name and pid (see checkpoint-temps.ts).
 */
const tempOf = (file: string) => path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${tempSequence++}.tmp`)

/** A rotated file compressed since the last run keeps its checkpoint. */
const keyOf = (file: string) => (isGzipPath(file) ? file.slice(0, -3) : file)

/** A checkpoint file's text; undefined when there is none. */
async function readCheckpoint(file: string): Promise<string | undefined> {
  try {
    return await fs.promises.readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new CheckpointError(`cannot read checkpoint file ${file}: ${(error as Error).message}`, file, { cause: error })
  }
}

interface ParsedCheckpoint {
  files: Map<string, FileCheckpoint>
  /** The time range it was made for; undefined when the file does not say it right. */
  range: RecordedRange | undefined
  /** Its `updated` time (ISO text), to choose among old checkpoints. */
  updated: string
  measurements: string[] | null
}

function parse(text: string, file: string): ParsedCheckpoint {
  let content: Partial<CheckpointFileContent>
  try {
    content = JSON.parse(text) as Partial<CheckpointFileContent>
  } catch (error) {
    throw new CheckpointError(`checkpoint file ${file} is not valid JSON (${(error as Error).message}); delete it or replay with resume: false to start over`, file, { cause: error })
  }
  if (content.version !== 1 || typeof content.files !== 'object' || content.files === null) {
    throw new CheckpointError(`checkpoint file ${file} is not a version 1 replay checkpoint; delete it or replay with resume: false to start over`, file)
  }
  const files = new Map<string, FileCheckpoint>()
  for (const [name, cp] of Object.entries(content.files)) {
    if (!Number.isSafeInteger(cp?.offset) || !Number.isSafeInteger(cp?.line) || cp.offset < 0 || cp.line < 0) {
      throw new CheckpointError(`checkpoint file ${file}: entry for ${name} needs whole numbers offset and line >= 0`, file)
    }
    const { headBytes, head, tail } = cp
    const printed = head !== undefined || headBytes !== undefined || tail !== undefined
    if (printed && (!Number.isSafeInteger(headBytes) || headBytes! < 0 || headBytes! > HEAD_BYTES || typeof head !== 'string' || (tail !== undefined && typeof tail !== 'string'))) {
      throw new CheckpointError(`checkpoint file ${file}: entry for ${name} has a malformed fingerprint (headBytes, head, tail); delete the file or replay with resume: false to start over`, file)
    }
    files.set(name, printed ? { offset: cp.offset, line: cp.line, headBytes: headBytes!, head: head!, ...(tail === undefined ? {} : { tail }) } : { offset: cp.offset, line: cp.line })
  }
  const measurements = Array.isArray(content.measurements) && content.measurements.every((m) => typeof m === 'string') ? content.measurements : null
  return { files, range: recordedRange(content), updated: typeof content.updated === 'string' ? content.updated : '', measurements }
}

/** A parsed checkpoint, or undefined where the file is missing or does not parse. */
async function tryRead(file: string): Promise<ParsedCheckpoint | undefined> {
  try {
    const text = await fs.promises.readFile(file, 'utf8')
    return parse(text, file)
  } catch {
    return undefined
  }
}

/**
 * Checkpoints of this server target and measurements made when since and until
 * were in the key (`<server>-<hash>.json` whose hash is that of the range it
 * records): the files of older versions. Left alone when their lock file is
 * there (a replay of an older version may be using it). Each is returned with
 * what it holds.
 */
async function supersededFiles(dir: string, scope: CheckpointScope, current: string): Promise<{ file: string; content: ParsedCheckpoint }[]> {
  const prefix = `${scope.server.name.replace(/[^A-Za-z0-9._-]/g, '_')}-`
  let names: string[]
  try {
    names = await fs.promises.readdir(dir)
  } catch {
    return []
  }
  const found: { file: string; content: ParsedCheckpoint }[] = []
  const ours = [...(scope.measurements ?? [])].sort()
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^[0-9a-f]{12}\.json$/.test(name.slice(prefix.length))) continue
    const file = path.join(dir, name)
    if (file === current) continue
    const content = await tryRead(file)
    const range = content?.range
    if (content === undefined || range === undefined || (range.since === null && range.until === null)) continue
    const measurements = [...(content.measurements ?? [])].sort()
    if (JSON.stringify(measurements) !== JSON.stringify(ours)) continue
    if (fileOfKey(dir, scope.server, String(range.since ?? ''), String(range.until ?? ''), measurements) !== file) continue
    if (fs.existsSync(lockFileOf(file))) continue
    found.push({ file, content })
  }
  return found
}

/** Takes into `files` the checkpoints of `later` that are further on: a later offset, or the same offset with a later line (bad lines passed after the last point). */
function mergeLater(files: Map<string, FileCheckpoint>, later: Map<string, FileCheckpoint>): void {
  for (const [name, checkpoint] of later) {
    const old = files.get(name)
    if (old === undefined || old.offset < checkpoint.offset || (old.offset === checkpoint.offset && old.line < checkpoint.line)) files.set(name, checkpoint)
  }
}

/**
 * The checkpoints of one server for one selection: per logfile, the byte
 * offset up to which everything was handed over for good (accepted, rejected
 * into the errors file, or kept in the spool). Saved with an atomic replace,
 * so a kill at any moment leaves the previous or the new state.
 */
export class CheckpointStore {
  private saving: Promise<void> | undefined
  private dirty = false
  /** A durable write is asked for (save(true)) and not yet made. */
  private durableWanted = false
  /** The recent file holds moves the checkpoint file does not. */
  private behind = false
  /**
   * When the last durable write ended (performance.now(): a monotonic clock, so
   * that a step of the wall clock, e.g. NTP setting it back, does not hold the
   * durable writes off); the first write of a store is durable.
   */
  private lastDurable = Number.NEGATIVE_INFINITY
  /** See recentFileOf(). */
  readonly recentFile: string
  /**
   * Why the checkpoint found was not used (it was made for a time range that
   * does not cover this replay's): a warning for the summary; undefined when
   * it was used, or there was none.
   */
  restarted: string | undefined
  /** Checkpoint files of older versions for this target (since and until in their name): removed at the first durable write. */
  private superseded: string[] = []
  /** What the next write saves: each entry with the fingerprint of its file at its offset (see fingerprint()). */
  private readonly disk: Map<string, FileCheckpoint>
  /** Per key, the path last advanced (a .gz file or its plain name), read for the fingerprint. */
  private readonly paths = new Map<string, string>()
  /** Keys moved (or verified without a fingerprint) since their fingerprint was last taken. */
  private readonly unprinted = new Set<string>()
  /** Per input path, the file it named before this replay read it (see verify()); none for a path that was missing. */
  private readonly identities = new Map<string, FileIdentity>()

  private constructor(
    readonly file: string,
    private readonly scope: CheckpointScope,
    private readonly files: Map<string, FileCheckpoint>,
  ) {
    this.recentFile = recentFileOf(file)
    this.disk = new Map(files)
  }

  /**
   * Loads the checkpoint of `scope` from `dir` (with `resume` false: starts
   * empty and removes the old files). Where the recent file is further on, its
   * checkpoints count; a recent file that does not parse (a power cut during
   * its write) is passed over, and one without a checkpoint file beside it
   * (deleted to start over) is removed.
   *
   * A checkpoint made for a time range that does not cover `scope`'s (see
   * covers()) is not used: the store starts empty, and `restarted` says why.
   * Where there is no checkpoint yet, one an older version made for this
   * target with since and until in its name is taken when it covers the range;
   * those old files are removed at the first durable write.
   */
  static async open(dir: string, scope: CheckpointScope, resume: boolean): Promise<CheckpointStore> {
    const file = checkpointFile(dir, scope)
    const recent = recentFileOf(file)
    const superseded = await supersededFiles(dir, scope, file)
    const fresh = async (restarted?: string) => {
      // A recent file beside a checkpoint not used is not used either.
      if (restarted !== undefined) await fs.promises.rm(recent, { force: true })
      const store = new CheckpointStore(file, scope, new Map())
      store.superseded = superseded.map((s) => s.file)
      // The file is rewritten at the end (the range it is for now, and no offsets), and the old files go then.
      if (restarted !== undefined || superseded.length > 0) store.dirty = true
      store.restarted = restarted
      return store
    }
    if (!resume) {
      await Promise.all([fs.promises.rm(file, { force: true }), fs.promises.rm(recent, { force: true })])
      return await fresh()
    }
    const text = await readCheckpoint(file)
    let loaded: ParsedCheckpoint
    let from = file
    if (text === undefined) {
      await fs.promises.rm(recent, { force: true })
      // An older version's checkpoint of this target whose range covers this one (the latest of them).
      const usable = superseded.filter((s) => covers(s.content.range!, scope)).sort((a, b) => (a.content.updated < b.content.updated ? 1 : -1))[0]
      if (usable === undefined) return await fresh()
      loaded = usable.content
      from = usable.file
      const older = await tryRead(recentFileOf(usable.file))
      if (older?.range !== undefined && covers(older.range, scope)) mergeLater(loaded.files, older.files)
    } else {
      loaded = parse(text, file)
      if (loaded.range === undefined || !covers(loaded.range, scope)) {
        const made = loaded.range === undefined ? 'for a time range it does not record right' : `for ${describeRange(loaded.range.since, loaded.range.until)}`
        return await fresh(
          `server "${scope.server.name}": the checkpoint ${file} was made ${made}; this replay's range (${describeRange(scope.since, scope.until)}) is not within it, so the points before its offsets that range left out were never sent: the checkpoint starts over and every file is replayed from its start`,
        )
      }
    }
    const recentText = from === file ? await readCheckpoint(recent) : undefined
    let later: ParsedCheckpoint | undefined
    try {
      later = recentText === undefined ? undefined : parse(recentText, recent)
    } catch {
      later = undefined
    }
    if (later?.range !== undefined && covers(later.range, scope)) mergeLater(loaded.files, later.files)
    const store = new CheckpointStore(file, scope, loaded.files)
    store.superseded = superseded.map((s) => s.file)
    // Taken from an old file: written under its own name at the first write, which removes the old ones.
    if (from !== file || superseded.length > 0) store.dirty = true
    // A recent file left by a run that was killed: what it holds is in this store now, and the first durable
    // write (at the latest the one ending this replay) saves that and removes it. Left in place, it would bring
    // back at every later open() a checkpoint this replay dropped (a file replaced since: restart()).
    if (recentText !== undefined) store.behind = true
    return store
  }

  get(file: string): FileCheckpoint | undefined {
    return this.files.get(keyOf(file))
  }

  /**
   * Checks, once at the start of a replay, that each checkpoint of `inputs`
   * still belongs to its file: the fingerprint taken with it matches, and a
   * plain file is not shorter than its offset. A file replaced, truncated or
   * rewritten at the same path since loses its checkpoint and is replayed from
   * its start (returned, to be reported). A checkpoint from before
   * fingerprints is taken as before, and gets its fingerprint at the next
   * write. A .gz file is checked on its decompressed start, so a rotated file
   * compressed since keeps its checkpoint.
   *
   * Also notes which file (device and inode) each input is before it is read:
   * a path renamed over during this replay no longer names the file read, so
   * its checkpoint is left out of the writes after that (see fingerprint()).
   */
  async verify(inputs: readonly string[]): Promise<CheckpointRestart[]> {
    for (let i = 0; i < inputs.length; i += VERIFY_AT_ONCE) {
      const batch = inputs.slice(i, i + VERIFY_AT_ONCE)
      const found = await Promise.all(batch.map((file) => identityOf(file)))
      batch.forEach((file, j) => {
        if (found[j] !== undefined) this.identities.set(file, found[j])
      })
    }
    const restarts: CheckpointRestart[] = []
    const checked = inputs.filter((file) => this.files.has(keyOf(file)))
    for (let i = 0; i < checked.length; i += VERIFY_AT_ONCE) {
      await Promise.all(
        checked.slice(i, i + VERIFY_AT_ONCE).map(async (file) => {
          const key = keyOf(file)
          const checkpoint = this.files.get(key)
          if (checkpoint === undefined) return // the other name of the same key did not match
          const reason = await fingerprintMismatch(file, checkpoint.offset, checkpoint)
          if (reason !== undefined) {
            this.restart(key)
            restarts.push({ file, reason })
          } else if (checkpoint.head === undefined) {
            this.paths.set(key, file)
            this.unprinted.add(key)
            this.dirty = true
          }
        }),
      )
    }
    return restarts
  }

  /** Forgets a file's checkpoint (its file is replayed from the start); the next write saves that. */
  private restart(key: string): void {
    this.files.delete(key)
    this.disk.delete(key)
    this.unprinted.delete(key)
    this.dirty = true
  }

  /**
   * Moves a file's checkpoint forward (never back); `save()` writes it. The
   * same offset with a later line passes bad lines after the last point.
   */
  advance(file: string, checkpoint: FileCheckpoint): void {
    const key = keyOf(file)
    const old = this.files.get(key)
    if (old !== undefined && (old.offset > checkpoint.offset || (old.offset === checkpoint.offset && old.line >= checkpoint.line))) return
    this.files.set(key, checkpoint)
    this.paths.set(key, file)
    this.unprinted.add(key)
    this.dirty = true
  }

  /**
   * Writes the current state; calls made while a write runs are folded into
   * one more write. The write is durable (the checkpoint file, fsync'ed) when
   * `durable` is true (the end of a replay) or the last durable write is
   * DURABLE_INTERVAL_MS old; otherwise it goes to the recent file, no fsync.
   */
  save(durable = false): Promise<void> {
    if (durable) this.durableWanted = true
    if (this.saving !== undefined) return this.saving
    // Nothing to write: no write starts (the async function below would end at once, before `saving` is set, and stay set).
    if (!this.dirty && !(this.durableWanted && this.behind)) {
      this.durableWanted = false
      return Promise.resolve()
    }
    this.saving = (async () => {
      try {
        while (this.dirty || (this.durableWanted && this.behind)) {
          this.dirty = false
          try {
            await this.fingerprint()
            await this.write(this.durableWanted || performance.now() - this.lastDurable >= DURABLE_INTERVAL_MS)
          } catch (error) {
            this.dirty = true
            throw error
          }
        }
        this.durableWanted = false
      } finally {
        this.saving = undefined
      }
    })()
    return this.saving
  }

  /** Waits for a write in progress (its failure is reported where it was awaited). */
  async idle(): Promise<void> {
    while (this.saving !== undefined) await this.saving.catch(() => undefined)
  }

  /**
   * Takes the fingerprint of each file moved since the last write, at its
   * offset, into what the write saves: a few reads of at most 4 KiB per moved
   * file and write, none per point (the start's hash is taken again only while
   * the offset is below HEAD_BYTES). A file that no longer holds its offset
   * (truncated during the replay), or whose path names another file than the
   * one read (replaced, e.g. renamed over, during the replay: its content is
   * not the content whose offset is checkpointed) is left out, so the next
   * replay starts it over; one that is gone keeps its checkpoint without a
   * fingerprint (nothing to take it from; its offset is still checked).
   */
  private async fingerprint(): Promise<void> {
    if (this.unprinted.size === 0) return
    const keys = [...this.unprinted]
    this.unprinted.clear()
    for (const key of keys) {
      const checkpoint = this.files.get(key)
      const file = this.paths.get(key)
      if (checkpoint === undefined || file === undefined) continue
      const { offset, line } = checkpoint
      const known = this.disk.get(key)
      let print: Fingerprint | undefined | null
      try {
        print = await fingerprintOf(file, offset, known?.head === undefined ? undefined : (known as Fingerprint), this.identities.get(file))
      } catch {
        print = null
      }
      if (print === undefined) this.disk.delete(key)
      else this.disk.set(key, print === null ? { offset, line } : { offset, line, ...print })
    }
  }

  private async write(durable: boolean): Promise<void> {
    const { server, since, until, measurements } = this.scope
    const content: CheckpointFileContent = {
      version: 1,
      server: server.name,
      bucket: server.bucket,
      since: since === undefined ? null : String(since),
      until: until === undefined ? null : String(until),
      measurements: measurements === undefined ? null : [...measurements],
      updated: new Date().toISOString(),
      files: Object.fromEntries(this.disk),
    }
    const text = `${JSON.stringify(content, null, 1)}\n`
    const file = durable ? this.file : this.recentFile
    const temp = tempOf(file)
    try {
      if (!durable) {
        await writeFileAtomic(file, text, { sync: false, temp })
        this.behind = true
        return
      }
      await writeFileAtomic(file, text, { temp })
      this.lastDurable = performance.now()
      // The recent file is behind the checkpoint file now: it goes, so that deleting the checkpoint file starts over.
      if (this.behind) await fs.promises.rm(this.recentFile, { force: true })
      this.behind = false
      if (this.superseded.length > 0) {
        const old = this.superseded
        this.superseded = []
        // What they held that this replay can use is in this file now; one that cannot be removed is only left over.
        await Promise.all(old.flatMap((f) => [f, recentFileOf(f)]).map((f) => fs.promises.rm(f, { force: true }).catch(() => undefined)))
      }
    } catch (error) {
      // A write that failed (disk full) leaves no temporary file behind; a renamed one is gone already.
      await fs.promises.rm(temp, { force: true }).catch(() => undefined)
      throw new CheckpointError(`cannot write checkpoint file ${file}: ${(error as Error).message}`, file, { cause: error })
    }
  }
}
