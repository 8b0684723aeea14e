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
  close(): Promise<void>
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
  const close = async () => {
    try {
      await Promise.all(deliveries.map((d) => d.close()))
      await Promise.all(stores.map((s) => s.idle()))
    } finally {
      await Promise.all(locks.map((l) => l.release()))
    }
  }
  const feeds: ServerFeed[] = []
  try {
    for (const server of setup.servers) {
      // Before anything is read or removed (resume: false), so that two replays never share a checkpoint.
      locks.push(await CheckpointLock.take(checkpointFile(dir, { server, since, until, measurements }), server.name))
    }
    await removeLeftoverTemps(dir)
    for (const server of setup.servers) {
      // Checked before anything is opened, so a bad limit fails fast.
      const limiter = setup.rateLimit === undefined ? undefined : new RateLimiter(setup.rateLimit)
      const store = await CheckpointStore.open(dir, { server, since, until, measurements }, setup.resume)
      stores.push(store)
      const delivery = await openDelivery(config, { servers: [server.name], drainSpool: false, ...(setup.stderr === undefined ? {} : { stderr: setup.stderr }) })
      deliveries.push(delivery)
      const chunk = limiter?.chunkLimits(server.batchSize, server.batchBytes) ?? { lines: server.batchSize, bytes: server.batchBytes }
      const lines = Math.max(1, Math.min(chunk.lines, server.maxBufferLines))
      const windowLines = Math.max(lines, Math.min(server.maxBufferLines, WINDOW_CHUNKS * lines))
      feeds.push(new ServerFeed(server.name, delivery, store, { lines, bytes: chunk.bytes, windowLines, batchSize: server.batchSize }, limiter, setup.onAccepted))
    }
  } catch (error) {
    await close()
    throw error
  }
  return { feeds, close }
}
