import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { EHTConfig, ServerConfig } from '@eht-influx-client/config'
import { isGzipPath, writeFileAtomic } from '@eht-influx-client/logfile'
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

/** What a checkpoint belongs to: the same server target and the same selection of points. */
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

/** One file per server and selection (since, until, measurements), so another selection never skips points. */
export function checkpointFile(dir: string, scope: CheckpointScope): string {
  const { server } = scope
  const identity = JSON.stringify([server.url, server.api, server.org, server.bucket, String(scope.since ?? ''), String(scope.until ?? ''), [...(scope.measurements ?? [])].sort()])
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 12)
  return path.join(dir, `${server.name.replace(/[^A-Za-z0-9._-]/g, '_')}-${hash}.json`)
}

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

function parse(text: string, file: string): Map<string, FileCheckpoint> {
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
  return files
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
   */
  static async open(dir: string, scope: CheckpointScope, resume: boolean): Promise<CheckpointStore> {
    const file = checkpointFile(dir, scope)
    const recent = recentFileOf(file)
    if (!resume) {
      await Promise.all([fs.promises.rm(file, { force: true }), fs.promises.rm(recent, { force: true })])
      return new CheckpointStore(file, scope, new Map())
    }
    const text = await readCheckpoint(file)
    if (text === undefined) {
      await fs.promises.rm(recent, { force: true })
      return new CheckpointStore(file, scope, new Map())
    }
    const files = parse(text, file)
    const recentText = await readCheckpoint(recent)
    let later: Map<string, FileCheckpoint> | undefined
    try {
      later = recentText === undefined ? undefined : parse(recentText, recent)
    } catch {
      later = undefined
    }
    // Further on: a later offset, or the same offset with a later line (bad lines passed after the last point).
    for (const [name, checkpoint] of later ?? []) {
      const old = files.get(name)
      if (old === undefined || old.offset < checkpoint.offset || (old.offset === checkpoint.offset && old.line < checkpoint.line)) files.set(name, checkpoint)
    }
    const store = new CheckpointStore(file, scope, files)
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
    } catch (error) {
      // A write that failed (disk full) leaves no temporary file behind; a renamed one is gone already.
      await fs.promises.rm(temp, { force: true }).catch(() => undefined)
      throw new CheckpointError(`cannot write checkpoint file ${file}: ${(error as Error).message}`, file, { cause: error })
    }
  }
}
