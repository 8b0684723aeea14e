import { encodeLineProtocol, READING_STOPPED, readLogFile } from '@eht-influx-client/logfile'
import fs from 'node:fs'
import path from 'node:path'
import { deliverBatch, UNSENT } from './deliver-batch.js'
import { ServerRefusedError, SpoolDrainError, SpoolLineError } from './errors.js'
import type { Outbox } from './outbox.js'
import { refusalAdvice } from './http-sender.js'
import { recordRejected, retryHooks, type ServerContext } from './server-context.js'
import { sleep, Stopper } from './sleep.js'
import { lockHolder, removeClaimLeftovers, SpoolClaim } from './spool-claim.js'
import { listServerSpool } from './spool.js'

/** What one drain pass over a server's spool did. */
export interface DrainOutcome {
  server: string
  /** Spool files delivered completely (and deleted). */
  files: number
  /** Spool files still waiting. */
  remainingFiles: number
  delivered: number
  rejected: number
  /** Unreadable (torn) lines skipped. */
  badLines: number
  /** Why the pass stopped early (server not answering, closing); undefined when it got through. */
  failed: string | undefined
  /** Files left because another drainer that is alive holds them, each with who it is (absent when none). */
  held?: string[]
  /** Files that could not be read (each with why): skipped this pass, so the later files and new points go on; tried again later. */
  unreadable?: string[]
}

/**
 * Delivers one server's spooled points in the background: seals the file being
 * written, sends each sealed file in batches with the retry policy, deletes a
 * file only once the server accepted all of it, and waits with backoff while
 * the server does not answer. When a pass gets through, the outbox sends again.
 * Each file is drained by one drainer at a time (this one, another client's, a
 * `spool drain`), going on from its saved progress (see SpoolClaim).
 */
export class SpoolDrainer {
  private chain: Promise<unknown> = Promise.resolve()
  private poked = false
  private wake: (() => void) | undefined
  private loop: Promise<void> | undefined
  /** Unreadable files already reported (file -> message): reported again only when the cause changes. */
  private readonly reportedUnreadable = new Map<string, string>()
  /** Files whose progress could not be saved in this pass (reported once a pass). */
  private progressReported = new Set<string>()

  constructor(
    private readonly ctx: ServerContext,
    private readonly spoolDir: string,
    private readonly outbox: Outbox | undefined,
    private readonly stopper: Stopper,
  ) {}

  /** Starts draining in the background until the stopper stops. */
  start(): void {
    this.loop ??= this.run()
  }

  /** Something was spooled: drain again soon. */
  poke(): void {
    this.poked = true
    this.wake?.()
  }

  /**
   * One pass now (queued after a pass in progress). Rejects with a
   * SpoolDrainError naming the spool (its file, when one was at fault) and the
   * cause when a file operation fails (the lock or a drained file's removal on
   * a full disk, a folder it may not read); the points stay in the spool.
   */
  drain(): Promise<DrainOutcome> {
    const run = this.chain.then(() => this.drainOnce()).catch((error: unknown) => {
      if (SpoolDrainError.isInstance(error)) throw error
      const { server, spool } = this.ctx
      throw new SpoolDrainError(`cannot drain the spool of server "${server.name}" in ${spool.dir}: ${(error as Error)?.message ?? String(error)}`, server.name, { cause: error })
    })
    this.chain = run.catch(() => undefined)
    return run
  }

  /** Resolves when the background loop has ended (after the stopper stopped). */
  async stopped(): Promise<void> {
    this.wake?.()
    await this.loop
    await this.chain
  }

  private async run(): Promise<void> {
    let failures = 0
    let skipping = 0
    while (!this.stopper.stopped) {
      this.poked = false
      const outcome = await this.drain().catch((error: unknown) => this.failedPass(error))
      if (this.stopper.stopped) return
      if (outcome.failed !== undefined) {
        failures++
        await sleep(this.ctx.policy.backoffMs(failures), this.stopper, true)
        continue
      }
      failures = 0
      // Files that could not be read were skipped (and reported): the rest got through, so the outbox sends
      // again; the skipped ones are tried again after a backoff (or at the next poke).
      skipping = outcome.unreadable === undefined ? 0 : skipping + 1
      if (this.outbox?.down !== undefined) {
        this.outbox.markUp()
        if (skipping === 0) continue
      }
      if (this.poked) continue
      await new Promise<void>((resolve) => {
        if (this.stopper.stopped) return resolve()
        const retry = new Stopper()
        if (skipping > 0) void sleep(this.ctx.policy.backoffMs(skipping), retry, true).then((elapsed) => elapsed && done())
        const off = this.stopper.onStop(done)
        function done() {
          off()
          retry.stop()
          resolve()
        }
        this.wake = () => {
          this.wake = undefined
          done()
        }
      })
    }
  }

  /**
   * A background pass that stopped on a file operation (the disk full for the
   * lock or progress file, a spool folder it may not read): reported, and tried
   * again after a backoff like a server that does not answer. The spool is left
   * as it is, so no point is lost, and the process goes on.
   */
  private failedPass(error: unknown): DrainOutcome {
    const { server, hub, spool } = this.ctx
    // drain() rejects with a SpoolDrainError saying what failed where: its message, not a second wrapping.
    const what = SpoolDrainError.isInstance(error) ? error.message : `cannot drain the spool of server "${server.name}" in ${spool.dir}: ${(error as Error)?.message ?? String(error)}`
    const message = `${what}; its points stay in the spool, and the drain is tried again later`
    const cause = SpoolDrainError.isInstance(error) ? error.cause : error
    hub.error({ server: server.name, points: 0, reason: message, error: new SpoolDrainError(message, server.name, { cause }) })
    return { server: server.name, files: 0, remainingFiles: 0, delivered: 0, rejected: 0, badLines: 0, failed: message }
  }

  private async drainOnce(): Promise<DrainOutcome> {
    const name = this.ctx.server.name
    await this.ctx.spool.seal()
    const files = await listServerSpool(this.spoolDir, name)
    // The folder's names, listed once for the leftovers and every file of the pass (not twice a file: thousands of files made it O(n²)).
    const listed = await fs.promises.readdir(this.ctx.spool.dir).catch(() => [] as string[])
    await removeClaimLeftovers(this.ctx.spool.dir, new Set(files.map((f) => path.basename(f.file))), listed)
    const outcome: DrainOutcome = { server: name, files: 0, remainingFiles: files.length, delivered: 0, rejected: 0, badLines: 0, failed: undefined }
    this.progressReported = new Set()
    for (const file of this.reportedUnreadable.keys()) if (!files.some((f) => f.file === file)) this.reportedUnreadable.delete(file)
    for (const { file } of files) {
      if (this.stopper.stopped) {
        outcome.failed = 'the client is closing'
        break
      }
      // Another drainer is on it (left to it), or it was drained meanwhile.
      const claim = await SpoolClaim.take(file, listed).catch((error: unknown) => {
        throw this.fileError(`cannot take the lock ${file}.lock of spool file ${file}`, error)
      })
      if (claim === undefined) {
        if (!fs.existsSync(file)) outcome.remainingFiles--
        else await this.noteHeld(file, outcome)
        continue
      }
      let thrown: { error: unknown } | undefined
      try {
        const result = await this.drainFile(file, outcome, claim)
        if (result === 'stop') break
        if (result === 'skip') continue
        this.reportedUnreadable.delete(file)
        await this.ctx.spool.remove(file).catch((error: unknown) => {
          throw this.fileError(`cannot delete spool file ${file}, which the server took whole (a drain would send its points again)`, error)
        })
        await claim.finish().catch((error: unknown) => {
          throw this.fileError(`cannot remove the progress and lock of drained spool file ${file}`, error)
        })
      } catch (error) {
        thrown = { error }
        throw error
      } finally {
        await claim.release().catch((error: unknown) => {
          if (thrown === undefined) throw this.fileError(`cannot remove the lock ${file}.lock of spool file ${file}`, error)
          // The first error says what matters (a file a drain would send again); a second one must not replace it.
          if (SpoolDrainError.isInstance(thrown.error)) thrown.error.message += `; also cannot remove its lock ${file}.lock: ${(error as Error)?.message ?? String(error)}`
        })
      }
      outcome.files++
      outcome.remainingFiles--
    }
    return outcome
  }

  /** A failed file operation of a pass: what it was, on which file of which server, and why. */
  private fileError(what: string, error: unknown): SpoolDrainError {
    const { name } = this.ctx.server
    return new SpoolDrainError(`cannot drain the spool of server "${name}" in ${this.ctx.spool.dir}: ${what}: ${(error as Error)?.message ?? String(error)}`, name, { cause: error })
  }

  /** Says who holds a file this pass left, so a lock nobody will let go of does not go unnoticed. */
  private async noteHeld(file: string, outcome: DrainOutcome): Promise<void> {
    const holder = await lockHolder(file)
    if (holder === undefined) return
    const who = holder.ours ? 'another drainer of this process' : `process ${holder.pid}${holder.namespace === undefined ? '' : ` of another pid namespace (${holder.namespace}, e.g. a container)`}`
    const hint = holder.unsure
      ? `; its lock ${file}.lock records the pid only (an older version wrote it): if process ${holder.pid} is not a drainer of this spool (the pid was reused after a crash or reboot), delete that lock file`
      : holder.namespace !== undefined
        ? `; whether it still runs cannot be checked from here: a drainer refreshes its lock every minute, and if none runs there any more (the container was stopped or restarted) the lock is taken over once it has not been refreshed for 10 minutes`
        : ''
    ;(outcome.held ??= []).push(`spool file ${file} is being drained by ${who}; left to it${hint}`)
  }

  /** 'done': every line taken; 'stop': the pass ends here (server not answering, closing); 'skip': the file cannot be read. */
  private async drainFile(file: string, outcome: DrainOutcome, claim: SpoolClaim): Promise<'done' | 'stop' | 'skip'> {
    const { server, hub } = this.ctx
    const { startOffset } = claim
    const reader = readLogFile(file, {
      format: 'lp',
      ...(startOffset === 0 ? {} : { startOffset }),
      onBadLine: (bad) => {
        // An I/O error part-way (not a bad line): the rest of the file is unread, so the file is kept.
        if (bad.reason.startsWith(READING_STOPPED)) {
          stopped ??= new Error(bad.reason.slice(READING_STOPPED.length))
          return
        }
        outcome.badLines++
        const message = `spool file ${bad.file} line ${bad.line}: ${bad.reason}; skipped (the point is in the logfile)`
        hub.error({ server: server.name, points: 1, reason: message, error: new SpoolLineError(message) })
      },
    })
    let stopped: Error | undefined
    let lines: string[] = []
    /** Where each line ends in the file. */
    let ends: number[] = []
    try {
      for await (const item of reader) {
        lines.push(encodeLineProtocol(item.record))
        ends.push(item.endOffset)
        if (lines.length >= server.batchSize) {
          if (!(await this.sendChunk(lines, ends, outcome, claim))) return 'stop'
          lines = []
          ends = []
        }
      }
      // What was read before the error is delivered first (its progress saved), then the file is kept.
      if (stopped !== undefined) {
        if (lines.length > 0 && !(await this.sendChunk(lines, ends, outcome, claim))) return 'stop'
        throw stopped
      }
    } catch (error) {
      // Another drainer (replay, a second client) finished and deleted it: nothing left to do.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || /ENOENT/.test(String((error as Error).message))) return 'done'
      // Not the server's fault: the file is skipped (loudly), so it blocks neither the later files nor new points.
      const message = `cannot read spool file ${file} of server "${server.name}": ${(error as Error)?.message ?? String(error)}; skipped: its points stay in the spool (the later files and new points are delivered), and it is tried again later`
      ;(outcome.unreadable ??= []).push(message)
      if (this.reportedUnreadable.get(file) !== message) {
        this.reportedUnreadable.set(file, message)
        hub.error({ server: server.name, points: 0, reason: message, error: new SpoolDrainError(message, server.name, { cause: error }) })
      }
      return 'skip'
    }
    return lines.length === 0 || (await this.sendChunk(lines, ends, outcome, claim)) ? 'done' : 'stop'
  }

  /** Sends a batch; the file's progress moves past the lines the server took (accepted or rejected for good). */
  private async sendChunk(lines: string[], ends: number[], outcome: DrainOutcome, claim: SpoolClaim): Promise<boolean> {
    const { server, hub, stats } = this.ctx
    if (this.stopper.stopped) {
      outcome.failed = 'the client is closing'
      return false
    }
    if (!(await claim.holds())) {
      outcome.failed = `another drainer took spool file ${claim.file} over`
      return false
    }
    const result = await deliverBatch(this.ctx.sender, this.ctx.policy, lines, this.stopper, retryHooks(this.ctx, true))
    outcome.delivered += result.accepted
    stats.drained += result.accepted
    if (result.accepted > 0) hub.delivered({ server: server.name, points: result.accepted, fromSpool: true })
    await recordRejected(this.ctx, lines, result)
    outcome.rejected += result.rejected.length
    const taken = result.unsent === 0 ? lines.length : result.status.indexOf(UNSENT)
    if (taken > 0) {
      try {
        await claim.advance(ends[taken - 1]!)
      } catch (error) {
        // The server has these lines: delivery goes on (the file is deleted once all of it is taken). Only an
        // interrupted drain would send them again, so it is reported, not a reason to stop delivering.
        if (!this.progressReported.has(claim.file)) {
          this.progressReported.add(claim.file)
          const message = `cannot save the progress of spool file ${claim.file} of server "${server.name}" in ${claim.file}.progress: ${(error as Error)?.message ?? String(error)}; delivery goes on, but if this drain is interrupted, its delivered points are sent again`
          hub.error({ server: server.name, points: 0, reason: message, error: new SpoolDrainError(message, server.name, { cause: error }) })
        }
      }
    }
    if (result.unsent === 0) return true
    outcome.failed = result.reason ?? 'not delivered'
    if (result.refused) {
      const message =
        result.refusedStatus === undefined
          ? `spooled points of server "${server.name}" not sent (${outcome.failed}); they stay in the spool`
          : `server "${server.name}" refused the spooled points (${outcome.failed}); ${refusalAdvice(result.refusedStatus)}; they stay in the spool`
      hub.error({ server: server.name, points: result.unsent, reason: outcome.failed, error: new ServerRefusedError(message, server.name, result.refusedStatus) })
    }
    return false
  }
}
