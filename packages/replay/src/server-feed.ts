import type { LineProtocolRun } from '@eht-influx-client/logfile'
import { JoinedLines, type Delivery, type ServerOutcome } from '@eht-influx-client/writer'
import type { CheckpointRestart, CheckpointStore, FileCheckpoint } from './checkpoint-store.js'
import { chunkMemory, type ChunkMemory } from './chunk-memory.js'
import type { RateLimiter } from './rate-limiter.js'

/** What a replay did for one server. */
export interface ServerSummary {
  server: string
  /** Points skipped because this server's checkpoint says it already has them. */
  alreadyDone: number
  /** Points handed to the server's outbox. */
  sent: number
  /** Points the server accepted. */
  accepted: number
  /** Points the server rejected for good (400/422): in the errors file with its message. */
  rejected: number
  /** Points kept in the spool because the server did not take them (delivered by `drainSpool`). */
  spooled: number
  /** Points neither delivered nor spooled (spool full): still only in the logfile; a new replay sends them. */
  dropped: number
  /** Why this server stopped receiving points before the end of the input; undefined when it got everything. */
  stopped: string | undefined
  /** Distinct reasons given for rejected, spooled or dropped points (at most 10). */
  reasons: string[]
  /** The checkpoint file of this server and selection. */
  checkpointFile: string
}

export interface FeedLimits {
  /** Lines per chunk (a chunk is handed over at once). */
  lines: number
  /** Bytes per chunk. */
  bytes: number
  /** Lines handed over but not yet settled, at most (keeps memory flat and the outbox below max_buffer_lines). */
  windowLines: number
  /** The server's batch_size: a smaller chunk is pushed out at once instead of waiting for flush_interval. */
  batchSize: number
}

interface InFlight {
  lines: number
  /** Resolves once this chunk's outcome is counted and the checkpoint moved in memory (in hand-over order). */
  settled: Promise<void>
}

/**
 * Chunks whose outcome moved the checkpoint in memory but may not be on disk
 * yet, at most, before a hand-over waits for the checkpoint write. Writes run
 * in the background, one at a time (each an fsync'ed atomic replace), so they
 * do not hold up the requests; after a kill the server may have accepted up to
 * this many chunks more than the saved checkpoint says, on top of the window.
 */
export const MAX_UNSAVED_CHUNKS = 4

/**
 * A background checkpoint write starts once this many settled chunks are not
 * on disk, or SAVE_DELAY_MS after the first of them: each write (fsync of the
 * file and of its folder) costs about 1 ms of CPU, a write per chunk about a
 * tenth of a fast replay's CPU.
 */
const SAVE_AFTER_CHUNKS = 2
const SAVE_DELAY_MS = 500

/** The first chunk's memory; later ones are sized for the chunk before them. */
const FIRST_CHUNK_BYTES = 64 * 1024

/**
 * How far a chunk's memory can grow in place: four times the chunk's byte
 * limit, within these bounds (address space only; beyond it, a long line
 * moves the chunk to larger memory).
 */
const MIN_RESERVE = 1024 * 1024
const MAX_RESERVE = 64 * 1024 * 1024

/**
 * Memory of settled chunks kept for later chunks, at most. Once a chunk's
 * outcome is in, the delivery path is done with its bytes (Delivery.enqueue
 * with `track`), so its memory can take a later chunk. Against a server that
 * answers at once, 1 M points took (medians of alternated runs):
 * - with a new Buffer per chunk: 36,000 minor page faults, 1.27 s of CPU;
 * - with Buffers reused: 28,500 faults, 1.21 s (8 runs each), 10 MB less RSS;
 * - with resizable memory reused, each chunk cut to its size and sent
 *   without the transport's copy: 19,000 faults against 28,000, 1.06 s of CPU
 *   against 1.19 s, 84 MB peak RSS against 103 MB (10 runs each).
 */
const SPARE_CHUNKS = 8
const NEWLINE = 0x0a

/**
 * Feeds one server during a replay: collects lines into chunks, hands each to
 * the writer's delivery path (outbox, retry policy, spool, errors file) with
 * at most `windowLines` unsettled, and moves the checkpoint forward as chunks
 * settle in order. A chunk counts as done once every point is accepted,
 * rejected or spooled; a dropped point (spool full) freezes the checkpoint.
 * Once a server spools or drops, it gets no more points in this replay.
 */
export class ServerFeed {
  readonly summary: ServerSummary
  /** See MIN_RESERVE. */
  private readonly reserve: number
  /** The chunk being collected: `count` lines as UTF-8, each ended by `\n`, in the first `used` bytes of `chunk`, a view of all of `memory`. */
  private memory: ChunkMemory
  private chunk: Buffer
  private used = 0
  /** Memory of chunks that settled, for the next chunks (see SPARE_CHUNKS). */
  private readonly spares: ChunkMemory[] = []
  private count = 0
  /** The chunk's size in UTF-8 bytes, newlines included (as the limits and the rate limit count it). */
  private bytes = 0
  private marks = new Map<string, FileCheckpoint>()
  private readonly inflight: InFlight[] = []
  private inflightLines = 0
  private chain: Promise<void> = Promise.resolve()
  private frozen = false
  private lastFile: string | undefined
  private lastOffset = 0
  private lastLine = 0
  /** Per file, where the last point handed over ends (noted per chunk, not per point). */
  private readonly handed = new Map<string, FileCheckpoint>()
  /** signal / Ctrl-C: nothing more is handed over, retries are cut short. */
  private aborting = false
  private cachedFile: string | undefined
  private cachedOffset = -1
  /** Chunks that moved the checkpoint, and how many of them are known to be on disk. */
  private moved = 0
  private saved = 0
  private saveFailure: unknown
  private saveTimer: NodeJS.Timeout | undefined
  /** closeOut() ran: no more writes start (the lock is about to be let go). */
  private closedOut = false

  constructor(
    readonly name: string,
    private readonly delivery: Delivery,
    private readonly store: CheckpointStore,
    private readonly limits: FeedLimits,
    private readonly limiter: RateLimiter | undefined,
    private readonly onAccepted: (points: number) => void,
  ) {
    this.reserve = Math.min(MAX_RESERVE, Math.max(MIN_RESERVE, 4 * limits.bytes))
    this.memory = chunkMemory(FIRST_CHUNK_BYTES, this.reserve)
    this.chunk = Buffer.from(this.memory)
    this.summary = { server: name, alreadyDone: 0, sent: 0, accepted: 0, rejected: 0, spooled: 0, dropped: 0, stopped: undefined, reasons: [], checkpointFile: store.file }
  }

  get stopped(): boolean {
    return this.summary.stopped !== undefined
  }

  /**
   * Before reading: drops the checkpoints of `files` that no longer match
   * their file (replaced, truncated or rewritten since), so those files are
   * sent from their start (see CheckpointStore.verify).
   */
  verifyCheckpoints(files: readonly string[]): Promise<CheckpointRestart[]> {
    return this.store.verify(files)
  }

  /** The line of `file` where this server's checkpoint is (0: none). */
  checkpointLine(file: string): number {
    return this.store.get(file)?.line ?? 0
  }

  /** True (and counted) when the checkpoint says this server already has the line ending at `endOffset`. */
  skips(file: string, endOffset: number): boolean {
    if (file !== this.cachedFile) {
      this.cachedFile = file
      this.cachedOffset = this.store.get(file)?.offset ?? -1
    }
    if (endOffset > this.cachedOffset) return false
    this.summary.alreadyDone++
    return true
  }

  /** Room in the chunk for `bytes` more bytes: a chunk that fills up grows to twice the size, in place while its memory can. */
  private room(bytes: number): void {
    if (this.used + bytes <= this.chunk.length) return
    const size = Math.max(this.chunk.length * 2, this.used + bytes)
    if (size <= this.memory.maxByteLength) {
      this.memory.resize(size)
      this.chunk = Buffer.from(this.memory)
      return
    }
    const larger = chunkMemory(size, 2 * size)
    const view = Buffer.from(larger)
    this.chunk.copy(view, 0, 0, this.used)
    this.memory = larger
    this.chunk = view
  }

  /** Adds one line; returns a promise only when the chunk was full and had to be handed over. */
  add(line: string, file: string, endOffset: number, lineNumber: number): Promise<void> | undefined {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; a long line is measured instead.
    this.room((line.length <= 4096 ? 3 * line.length : Buffer.byteLength(line)) + 1)
    // The bytes written are the line's UTF-8 size: limits count what goes on the wire (not UTF-16 units, half of it for CJK text).
    const written = this.chunk.write(line, this.used, 'utf8')
    this.used += written
    this.chunk[this.used++] = NEWLINE
    this.count++
    this.bytes += written + 1
    this.reached(file, endOffset, lineNumber)
    if (this.count >= this.limits.lines || this.bytes >= this.limits.bytes) return this.handOver()
    return undefined
  }

  /**
   * Adds the points of a run (those the checkpoint does not skip), handing over
   * every chunk it fills as add() does; returns a promise when it had to.
   */
  addRun(run: LineProtocolRun, from = 0): Promise<void> | undefined {
    const { file, count, textEnds, endOffsets } = run
    let i = from
    while (i < count && this.skips(file, endOffsets[i]!)) i++
    while (i < count && !this.stopped) {
      // As many points as fit in the chunk, taken as one slice of the run's text.
      const start = i === 0 ? 0 : textEnds[i - 1]! + 1
      let j = i
      let lines = this.count
      let bytes = this.bytes
      while (j < count && lines < this.limits.lines && bytes < this.limits.bytes) {
        bytes += textEnds[j]! + 1 - (j === 0 ? 0 : textEnds[j - 1]! + 1)
        lines++
        j++
      }
      // The run's bytes (ASCII: offsets in its text are offsets in its bytes), newline included.
      const end = textEnds[j - 1]! + 1
      this.room(end - start)
      this.used += run.bytes.copy(this.chunk, this.used, start, end)
      this.count = lines
      this.bytes = bytes
      this.reached(file, endOffsets[j - 1]!, run.lines[j - 1]!)
      i = j
      if (lines >= this.limits.lines || bytes >= this.limits.bytes) {
        const handing = this.handOver()
        return i < count ? handing.then(() => this.addRun(run, i)) : handing
      }
    }
    return undefined
  }

  /** The chunk holds `file` up to the line `lineNumber`, ending at `endOffset`. Where each file of the chunk ends is noted when the file changes (no object per point). */
  private reached(file: string, endOffset: number, lineNumber: number): void {
    if (file !== this.lastFile) {
      this.noteLast()
      this.lastFile = file
    }
    this.lastOffset = endOffset
    this.lastLine = lineNumber
  }

  private noteLast(): void {
    if (this.lastFile !== undefined) this.marks.set(this.lastFile, { offset: this.lastOffset, line: this.lastLine })
  }

  /**
   * A bad line of `file` (reported, so never to be reported again): once the
   * points before it are done, the checkpoint's line moves past it, its
   * offset stays at the last point. Without this a bad line after a file's
   * last point was reported again by every later replay.
   */
  passBadLine(file: string, lineNumber: number): void {
    if (file !== this.lastFile) {
      this.noteLast()
      const at = this.marks.get(file) ?? this.handed.get(file) ?? this.store.get(file) ?? { offset: 0, line: 0 }
      this.lastFile = file
      this.lastOffset = at.offset
      this.lastLine = at.line
    }
    if (lineNumber > this.lastLine) this.lastLine = lineNumber
  }

  /**
   * Stops feeding at once (signal, Ctrl-C): nothing more is handed over (the
   * points not handed over are not checkpointed: the next replay sends them),
   * and the retries of what was handed over are cut short: what the server
   * does not take at the next attempt goes to the spool (drainSpool).
   */
  abort(): void {
    if (this.aborting) return
    this.aborting = true
    this.delivery.flush({ hurry: true }).catch(() => undefined)
  }

  /** Hands over the last chunk, pushes everything out and waits until all of it settled and the checkpoint is saved. */
  async finish(): Promise<void> {
    if (!this.stopped && !this.aborting) await this.handOver()
    await this.delivery.flush({ hurry: this.aborting })
    await this.chain
    this.inflight.length = 0
    this.spares.length = 0
    this.stopSaveTimer()
    await this.store.save(true)
  }

  /**
   * The end of a replay whose feeding stopped without finish() (its reader
   * failed): once the delivery is closed (`settled`: every chunk handed over
   * has its outcome; false when its close failed, and some may never have
   * one), applies the outcomes, cancels the write SAVE_DELAY_MS away, and
   * writes the checkpoint durably now, before its lock is let go: a write left
   * to the timer ran after the lock was released. After finish(), there is
   * nothing left to write. Rejects when the write fails.
   */
  async closeOut(settled: boolean): Promise<void> {
    if (settled) await this.chain.catch(() => undefined)
    // An outcome that comes later (a close that failed) moves the checkpoint in memory only.
    this.closedOut = true
    this.stopSaveTimer()
    await this.store.save(true)
  }

  private async handOver(): Promise<void> {
    this.noteLast()
    this.lastFile = undefined
    const lines = this.count
    const marks = this.marks
    const bytes = this.bytes
    const used = this.used
    this.used = 0
    this.count = 0
    this.marks = new Map()
    this.bytes = 0
    if (lines === 0) {
      // Only bad lines since the last chunk: the checkpoint passes them once the chunks before have settled.
      if (marks.size > 0 && !this.aborting) this.chain = this.chain.then(() => {
          this.moveOver(marks)
        })
      return
    }
    for (const [file, checkpoint] of marks) this.handed.set(file, checkpoint)
    // The chunk goes out in its memory, cut to its size (without the last newline), so that the request
    // needs no copy of it; the next chunk gets memory of its own, sized for a chunk like this one.
    const memory = this.memory
    memory.resize(used - 1)
    const body = Buffer.from(memory)
    this.memory = this.freeMemory(Math.max(FIRST_CHUNK_BYTES, used + (used >> 3)))
    this.chunk = Buffer.from(this.memory)
    while (this.inflight.length > 0 && this.inflightLines + lines > this.limits.windowLines) {
      const oldest = this.inflight.shift()!
      await oldest.settled
      this.inflightLines -= oldest.lines
    }
    if (this.saveFailure !== undefined) throw this.saveFailure
    if (this.moved - this.saved >= MAX_UNSAVED_CHUNKS) await this.save()
    if (this.stopped || this.aborting) return
    await this.limiter?.take(lines, bytes)
    // Lines from logfile hold no newline (its encoder and transcoder make one line per point): sent as they are, unchecked.
    const outcome = this.delivery.enqueue(JoinedLines.fromBytes(body, lines), true).then((byServer) => byServer[this.name])
    // Outcomes are applied as soon as they come, in order, and written in the background, so the
    // checkpoint on disk lags the server by at most the chunks in the window and MAX_UNSAVED_CHUNKS.
    this.chain = this.chain.then(async () => {
      const settled = await outcome
      // The delivery path is done with the chunk's bytes: its memory may take a later chunk.
      if (this.spares.length < SPARE_CHUNKS) this.spares.push(memory)
      if (this.apply(settled, marks) && !this.closedOut) {
        this.moved++
        if (this.moved - this.saved >= SAVE_AFTER_CHUNKS) this.saveInBackground()
        else this.saveTimer ??= setTimeout(() => this.saveInBackground(), SAVE_DELAY_MS).unref()
      }
    })
    this.chain.catch(() => undefined) // a failure surfaces where the chain is awaited, not as an unhandled rejection
    this.inflight.push({ lines, settled: this.chain })
    this.inflightLines += lines
    this.summary.sent += lines
    if (lines < this.limits.batchSize && bytes < this.limits.bytes) this.delivery.flush().catch(() => undefined)
  }

  /** Memory of `bytes` for the next chunk: a settled chunk's where it can grow that far. */
  private freeMemory(bytes: number): ChunkMemory {
    const spare = this.spares.pop()
    if (spare === undefined || spare.maxByteLength < bytes) return chunkMemory(bytes, this.reserve)
    spare.resize(bytes)
    return spare
  }

  /** Starts a checkpoint write (or joins the one in progress); a failure surfaces at the next hand-over. */
  private saveInBackground(): void {
    this.stopSaveTimer()
    this.save().catch((error: unknown) => (this.saveFailure ??= error))
  }

  /** Cancels the write SAVE_DELAY_MS after a lone settled chunk (one is starting now). */
  private stopSaveTimer(): void {
    clearTimeout(this.saveTimer)
    this.saveTimer = undefined
  }

  /** Writes the checkpoint (joining a write in progress); resolves once every move made before the call is on disk. */
  private async save(): Promise<void> {
    const moved = this.moved
    await this.store.save()
    this.saved = Math.max(this.saved, moved)
  }

  /** Counts a chunk's outcome and moves the checkpoint; true when it moved. */
  private apply(outcome: ServerOutcome | undefined, marks: Map<string, FileCheckpoint>): boolean {
    const s = this.summary
    if (outcome === undefined) {
      this.frozen = true
      s.stopped ??= `no outcome for server "${this.name}" from the delivery path`
      return false
    }
    s.accepted += outcome.accepted
    s.rejected += outcome.rejected
    s.spooled += outcome.spooled
    s.dropped += outcome.dropped
    this.onAccepted(outcome.accepted)
    for (const reason of outcome.reasons) if (s.reasons.length < 10 && !s.reasons.includes(reason)) s.reasons.push(reason)
    if (outcome.dropped > 0) this.frozen = true
    if (outcome.spooled > 0 || outcome.dropped > 0) {
      s.stopped ??= `${outcome.reasons[0] ?? 'the server did not take the points'}; ${outcome.spooled} points spooled, ${outcome.dropped} dropped; the rest of the input was not sent to this server`
    }
    return this.moveOver(marks)
  }

  /** Moves the checkpoint over a settled chunk's marks, unless a dropped point froze it; true when it moved. */
  private moveOver(marks: Map<string, FileCheckpoint>): boolean {
    if (this.frozen) return false
    for (const [file, checkpoint] of marks) this.store.advance(file, checkpoint)
    return true
  }
}
