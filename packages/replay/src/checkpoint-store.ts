import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { EHTConfig, ServerConfig } from '@eht-influx-client/config'
import { writeFileAtomic } from '@eht-influx-client/logfile'
import { CheckpointError } from './errors.js'

/** How far one logfile was delivered: every line ending at or before `offset` (1-based `line`) is done. */
export interface FileCheckpoint {
  /** Byte offset in the (decompressed) file. */
  offset: number
  line: number
}

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

/** A rotated file compressed since the last run keeps its checkpoint. */
const keyOf = (file: string) => (file.endsWith('.gz') ? file.slice(0, -3) : file)

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
    files.set(name, { offset: cp.offset, line: cp.line })
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

  private constructor(
    readonly file: string,
    private readonly scope: CheckpointScope,
    private readonly files: Map<string, FileCheckpoint>,
  ) {}

  /** Loads the checkpoint of `scope` from `dir` (with `resume` false: starts empty and removes the old file). */
  static async open(dir: string, scope: CheckpointScope, resume: boolean): Promise<CheckpointStore> {
    const file = checkpointFile(dir, scope)
    if (!resume) {
      await fs.promises.rm(file, { force: true })
      return new CheckpointStore(file, scope, new Map())
    }
    let text: string
    try {
      text = await fs.promises.readFile(file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new CheckpointStore(file, scope, new Map())
      throw new CheckpointError(`cannot read checkpoint file ${file}: ${(error as Error).message}`, file, { cause: error })
    }
    return new CheckpointStore(file, scope, parse(text, file))
  }

  get(file: string): FileCheckpoint | undefined {
    return this.files.get(keyOf(file))
  }

  /** Moves a file's checkpoint forward (never back); `save()` writes it. */
  advance(file: string, checkpoint: FileCheckpoint): void {
    const key = keyOf(file)
    const old = this.files.get(key)
    if (old !== undefined && old.offset >= checkpoint.offset) return
    this.files.set(key, checkpoint)
    this.dirty = true
  }

  /** Writes the current state; calls made while a write runs are folded into one more write. */
  save(): Promise<void> {
    if (this.saving !== undefined) return this.saving
    this.saving = (async () => {
      try {
        while (this.dirty) {
          this.dirty = false
          try {
            await this.write()
          } catch (error) {
            this.dirty = true
            throw error
          }
        }
      } finally {
        this.saving = undefined
      }
    })()
    return this.saving
  }

  private async write(): Promise<void> {
    const { server, since, until, measurements } = this.scope
    const content: CheckpointFileContent = {
      version: 1,
      server: server.name,
      bucket: server.bucket,
      since: since === undefined ? null : String(since),
      until: until === undefined ? null : String(until),
      measurements: measurements === undefined ? null : [...measurements],
      updated: new Date().toISOString(),
      files: Object.fromEntries(this.files),
    }
    try {
      await writeFileAtomic(this.file, `${JSON.stringify(content, null, 1)}\n`)
    } catch (error) {
      throw new CheckpointError(`cannot write checkpoint file ${this.file}: ${(error as Error).message}`, this.file, { cause: error })
    }
  }
}
