import type { EHTConfig, ServerConfig } from '@eht-influx-client/config'
import { openDelivery, type Delivery, type LineSink } from '@eht-influx-client/writer'
import { checkpointDir, CheckpointStore } from './checkpoint-store.js'
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

/** One delivery path (the writer's) and one checkpoint store per server; everything opened is closed on failure. */
export async function openFeeds(setup: FeedSetup): Promise<OpenFeeds> {
  const { config, since, until, measurements } = setup
  const deliveries: Delivery[] = []
  const close = async () => {
    await Promise.all(deliveries.map((d) => d.close()))
  }
  const feeds: ServerFeed[] = []
  try {
    for (const server of setup.servers) {
      // Checked before anything is opened, so a bad limit fails fast.
      const limiter = setup.rateLimit === undefined ? undefined : new RateLimiter(setup.rateLimit)
      const store = await CheckpointStore.open(checkpointDir(config), { server, since, until, measurements }, setup.resume)
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
