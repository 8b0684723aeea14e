import type { EHTConfig, ServerConfig } from '@eht-influx-client/config'
import { openDelivery, type Delivery, type LineSink } from '@eht-influx-client/writer'
import { CheckpointLock } from './checkpoint-lock.js'
import { checkpointDir, checkpointFile, CheckpointStore } from './checkpoint-store.js'
import { removeLeftoverTemps } from './checkpoint-temps.js'
import { RateLimiter, type RateLimit } from './rate-limiter.js'
import { ServerFeed } from './server-feed.js'

/** Chunks handed to an outbox before the oldest must settle. */
const WINDOW_CHUNKS = 4

export interface FeedSetup {
  config: EHTConfig
  servers: readonly ServerConfig[]
  since: bigint | undefined
  until: bigint | undefined
  measurements: readonly string[] | undefined
  resume: boolean
  rateLimit: RateLimit | undefined
  stderr: LineSink | undefined
  onAccepted: (points: number) => void
}

export interface OpenFeeds {
  feeds: ServerFeed[]
  /** Leftovers of the checkpoint folder that could not be removed (see removeLeftoverTemps). */
  warnings: string[]
  /**
   * Closes the deliveries, writes each checkpoint a last time, and lets go of
   * the locks. Never rejects (it runs after a failure, whose error must not be
   * lost): resolves with the errors met, a delivery's close that failed, or a
   * last checkpoint write that failed (a CheckpointError naming the file).
   */
  close(): Promise<unknown[]>
}

/**
 * One delivery path (the writer's) and one checkpoint store per server, each
 * store under its lock (see CheckpointLock: a second replay of the same server
 * and selection is refused); everything opened is closed on failure, and the
 * locks are let go once the deliveries are closed and the last checkpoint
 * writes ended.
 */
export async function openFeeds(setup: FeedSetup): Promise<OpenFeeds> {
  const { config, since, until, measurements } = setup
  const dir = checkpointDir(config)
  const deliveries: Delivery[] = []
  const locks: CheckpointLock[] = []
  const stores: CheckpointStore[] = []
  const feeds: ServerFeed[] = []
  const warnings: string[] = []
  let closing: Promise<unknown[]> | undefined
  const close = () =>
    (closing ??= (async () => {
      const errors: unknown[] = []
      try {
        const closed = await Promise.allSettled(deliveries.map((d) => d.close()))
        for (const c of closed) if (c.status === 'rejected') errors.push(c.reason)
        // A feed whose reader failed was not finished: its last outcomes are applied and written now, while
        // the lock is held (its save timer would write after the release). A finished feed has nothing to write.
        const saved = await Promise.allSettled(feeds.map((feed, i) => feed.closeOut(closed[i]?.status === 'fulfilled')))
        for (const s of saved) if (s.status === 'rejected') errors.push(s.reason)
      } catch (error) {
        errors.push(error)
      } finally {
        // Also after a failed close: no write of a store may run once its lock is let go.
        await Promise.all(stores.map((s) => s.idle()))
        await Promise.all(locks.map((l) => l.release()))
      }
      return errors
    })())
  try {
    for (const server of setup.servers) {
      // Before anything is read or removed (resume: false), so that two replays never share a checkpoint.
      locks.push(await CheckpointLock.take(checkpointFile(dir, { server, measurements }), server.name))
    }
    warnings.push(...(await removeLeftoverTemps(dir)).warnings)
    for (const server of setup.servers) {
      // Checked before anything is opened, so a bad limit fails fast.
      const limiter = setup.rateLimit === undefined ? undefined : new RateLimiter(setup.rateLimit)
      const store = await CheckpointStore.open(dir, { server, since, until, measurements }, setup.resume)
      stores.push(store)
      if (store.restarted !== undefined) warnings.push(store.restarted)
      const delivery = await openDelivery(config, { servers: [server.name], drainSpool: false, ...(setup.stderr === undefined ? {} : { stderr: setup.stderr }) })
      deliveries.push(delivery)
      const chunk = limiter?.chunkLimits(server.batchSize, server.batchBytes) ?? { lines: server.batchSize, bytes: server.batchBytes }
      const lines = Math.max(1, Math.min(chunk.lines, server.maxBufferLines))
      const windowLines = Math.max(lines, Math.min(server.maxBufferLines, WINDOW_CHUNKS * lines))
      feeds.push(new ServerFeed(server.name, delivery, store, { lines, bytes: chunk.bytes, windowLines, batchSize: server.batchSize }, limiter, setup.onAccepted))
    }
  } catch (error) {
    // The error says what failed; nothing was sent, so what closing meets adds nothing to it.
    await close()
    throw error
  }
  return { feeds, warnings, close }
}
