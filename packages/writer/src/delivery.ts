import { serverSecrets, type EHTConfig, type ServerConfig } from '@eht-influx-client/config'
import type { InfluxRecord } from '@eht-influx-client/logfile'
import { ClosedError, InvalidInputError, WriterConfigError } from './errors.js'
import { ErrorsFile } from './errors-file.js'
import { EventHub, type DeliveryCallbacks } from './events.js'
import { createHttpSender } from './http-sender.js'
import { JoinedLines } from './joined-lines.js'
import { Outbox } from './outbox.js'
import { PointCollector } from './point-collector.js'
import { checkProfile } from './profile-guard.js'
import { RetryPolicy } from './retry-policy.js'
import { newStats, type ServerContext, type ServerStats } from './server-context.js'
import { Stopper } from './sleep.js'
import { SpoolBudget } from './spool-budget.js'
import { SpoolDrainer, type DrainOutcome } from './spool-drainer.js'
import { listServerSpool, listUnconfiguredSpool as unconfiguredIn, ServerSpool, type SpoolFile } from './spool.js'
import { StderrReporter, type LineSink } from './stderr-reporter.js'
import { Ticket, type ServerOutcome } from './ticket.js'

const closedError = () => new ClosedError('this delivery (client) is closed; open a new one to send more')

export interface DeliveryOptions extends DeliveryCallbacks {
  /** Names of the servers to deliver to (disabled ones too when named); default every enabled server. */
  servers?: readonly string[]
  /** Deliver spooled points in the background from the start (default true). */
  drainSpool?: boolean
  /** Where `[errors] stderr` lines go (default process.stderr). */
  stderr?: LineSink
}

interface ServerPath {
  ctx: ServerContext
  outbox: Outbox
  drainer: SpoolDrainer
}

function chooseServers(config: EHTConfig, names: readonly string[] | undefined): ServerConfig[] {
  if (names === undefined) return config.servers.filter((s) => s.enabled)
  return names.map((name) => {
    const server = config.servers.find((s) => s.name === name)
    if (server === undefined) {
      throw new WriterConfigError(`no server "${name}" in ${config.source ?? 'the configuration'}; known: ${config.servers.map((s) => s.name).join(', ') || 'none'}`)
    }
    return server
  })
}

/**
 * The delivery path shared by `WriteApi` and `replay`: one outbox per server
 * (batches, retry policy, Retry-After, timeouts), the spool, the errors file
 * and stderr reporting. It does not touch the logfile.
 */
export class Delivery {
  private closing: Promise<void> | undefined
  private readonly reporter: StderrReporter

  private constructor(
    readonly config: EHTConfig,
    private readonly paths: ReadonlyMap<string, ServerPath>,
    /** Events of every server; add listeners with `on()`. */
    readonly events: EventHub,
    private readonly stopper: Stopper,
    stderr: LineSink | undefined,
  ) {
    this.reporter = new StderrReporter(config.errors.stderr, stderr)
    events.add(this.reporter.callbacks())
  }

  /** Checks the profile guard, measures the spool, starts one outbox (and spool drainer) per server. */
  static async open(config: EHTConfig, options: DeliveryOptions = {}): Promise<Delivery> {
    const servers = chooseServers(config, options.servers)
    checkProfile(config, servers)
    const budget = await SpoolBudget.measure(config.spool.dir, config.spool.maxSizeBytes)
    budget.servers = config.servers.map((s) => s.name)
    const errorsFile = new ErrorsFile(config.errors.errorsFile)
    const hub = new EventHub(config.servers.flatMap(serverSecrets))
    const stopper = new Stopper()
    const paths = new Map<string, ServerPath>()
    for (const server of servers) {
      const spool = new ServerSpool(server.name, config.spool.dir, budget)
      await spool.recoverStale()
      const ctx: ServerContext = { server, sender: createHttpSender(server), policy: new RetryPolicy(config.retry), spool, errorsFile, hub, stats: newStats() }
      let drainer: SpoolDrainer | undefined
      const outbox = new Outbox(ctx, () => drainer?.poke(), options.drainSpool !== false)
      drainer = new SpoolDrainer(ctx, config.spool.dir, outbox, stopper)
      paths.set(server.name, { ctx, outbox, drainer })
    }
    const delivery = new Delivery(config, paths, hub, stopper, options.stderr)
    const { servers: _s, drainSpool, stderr: _e, ...callbacks } = options
    hub.add(callbacks)
    if (drainSpool !== false) for (const path of paths.values()) path.drainer.start()
    return delivery
  }

  /** Names of the servers delivered to. */
  get servers(): string[] {
    return [...this.paths.keys()]
  }

  get closed(): boolean {
    return this.closing !== undefined
  }

  /** Adds callbacks; returns a function that removes them. */
  on(callbacks: DeliveryCallbacks): () => void {
    return this.events.add(callbacks)
  }

  /**
   * Queues line protocol (trusted: as `encodeLineProtocol` makes it) for every
   * server, never waiting for a server. Resolves once the lines are queued in
   * memory (or, beyond a server's max_buffer_lines, written to its spool);
   * with `track`, once every server accepted, rejected or spooled them, with
   * what became of them at each. Then the delivery is done with `lines`: the
   * bytes of `JoinedLines.fromBytes()` may be reused (replay does).
   */
  enqueue(lines: readonly string[] | JoinedLines, track: true): Promise<Record<string, ServerOutcome>>
  enqueue(lines: readonly string[] | JoinedLines, track?: boolean): Promise<Record<string, ServerOutcome> | undefined>
  enqueue(lines: readonly string[] | JoinedLines, track = false): Promise<Record<string, ServerOutcome> | undefined> {
    // After close(): a rejected promise, not a throw, so that a caller's .catch() sees it.
    if (this.closing !== undefined) return Promise.reject(closedError())
    const { queued, outcome } = this.queue(lines, track)
    return track ? outcome : queued.then(() => undefined)
  }

  /** `queued`: the lines are in every outbox (or spooled); `outcome`: with `track`, what each server did with them. */
  queue(lines: readonly string[] | JoinedLines, track: boolean): { queued: Promise<void>; outcome: Promise<Record<string, ServerOutcome> | undefined> } {
    if (this.closing !== undefined) throw closedError()
    const paths = [...this.paths]
    if (!(lines instanceof JoinedLines)) {
      // Lines are joined by newlines: one inside a line would make two points of it.
      const bad = lines.findIndex((line) => typeof line !== 'string' || line.includes('\n'))
      if (bad >= 0) throw new InvalidInputError(`line ${bad}: a line of line protocol is one string without a newline (one point a line)`, bad, undefined)
    }
    // Joined once, and the same text queued for every server.
    const joined = paths.length === 0 ? JoinedLines.EMPTY : JoinedLines.from(lines)
    const tickets = paths.map(() => (track ? new Ticket(joined.count) : undefined))
    const queued = Promise.all(paths.map(([, path], i) => path.outbox.enqueue(joined, tickets[i]))).then(() => undefined)
    if (!track) return { queued, outcome: queued.then(() => undefined) }
    const outcome = queued.then(async () => Object.fromEntries(await Promise.all(paths.map(async ([name], i) => [name, await tickets[i]!.done] as const))))
    return { queued, outcome }
  }

  /**
   * Sends records (validated; not written to the logfile) through every
   * server's outbox; resolves per server when they are accepted, spooled or
   * rejected. Throws InvalidInputError naming the record (index) and key.
   */
  send(records: readonly InfluxRecord[]): Promise<Record<string, ServerOutcome>> {
    // After close(): a rejected promise, not a throw, so that a caller's .catch() sees it.
    if (this.closing !== undefined) return Promise.reject(closedError())
    const collector = new PointCollector('point', false)
    for (let i = 0; i < records.length; i++) collector.add(i, () => records[i]!)
    return this.enqueue(collector.joined(), true)
  }

  /**
   * Resolves when everything queued so far is accepted, rejected or spooled.
   * It waits through retries (up to `[retry] max_retry_time` while a server
   * fails); with `hurry`, a failing send is not retried but spooled at once.
   * During or after `close()`, it resolves when the close is done.
   */
  async flush(options: { hurry?: boolean } = {}): Promise<void> {
    // During or after close(): the close sends (or spools) everything queued; its end is what a flush waits for.
    if (this.closing !== undefined) return this.closing
    await Promise.all([...this.paths.values()].map((p) => p.outbox.flush(options.hurry === true)))
  }

  /** One drain pass per server now: spooled points delivered, drained files deleted. */
  async drainSpool(options: { servers?: readonly string[] } = {}): Promise<DrainOutcome[]> {
    const chosen = options.servers ?? this.servers
    // The drainers wait between retries on unref'd timers (a background drain must not keep a script
    // alive); a pass asked for must: without this, a script awaiting it would just exit (code 13).
    const keepAlive = setInterval(() => {}, 60_000)
    try {
      return await Promise.all(
        chosen.map((name) => {
          const path = this.paths.get(name)
          if (path === undefined) throw new WriterConfigError(`server "${name}" is not one of this delivery's servers (${this.servers.join(', ') || 'none'})`)
          return path.drainer.drain()
        }),
      )
    } finally {
      clearInterval(keepAlive)
    }
  }

  /** The spool files waiting for this delivery's servers (sealed ones; a file being written is not listed). */
  async listSpool(): Promise<SpoolFile[]> {
    return listSpool(this.config, { servers: this.servers })
  }

  /** Counters per server. */
  stats(): Record<string, ServerStats> {
    return Object.fromEntries([...this.paths].map(([name, p]) => [name, { ...p.ctx.stats }]))
  }

  /**
   * Sends what is queued (one attempt each, no waiting for retries: what fails
   * goes to the spool), stops the spool drainers, closes connections. Never
   * discards a point. Safe to call twice.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const paths = [...this.paths.values()]
      await Promise.all(paths.map((p) => p.outbox.close()))
      this.stopper.stop()
      await Promise.all(paths.map((p) => p.drainer.stopped()))
      await Promise.all(paths.map((p) => p.ctx.spool.seal()))
      for (const p of paths) p.ctx.sender.close()
      this.reporter.close()
    })()
    return this.closing
  }
}

/** Opens the delivery path for `config` (see `Delivery`). */
export function openDelivery(config: EHTConfig, options?: DeliveryOptions): Promise<Delivery> {
  return Delivery.open(config, options)
}

/**
 * Spool files waiting in `[spool] dir`, per server (default: every server of
 * the configuration), oldest first; `unsealed`: also `.open` files whose writer
 * is gone (a crash; sealed and delivered by the next client or drain).
 */
export async function listSpool(config: EHTConfig, options: { servers?: readonly string[]; unsealed?: boolean } = {}): Promise<SpoolFile[]> {
  const names = options.servers ?? config.servers.map((s) => s.name)
  const lists = await Promise.all(names.map((name) => listServerSpool(config.spool.dir, name, { unsealed: options.unsealed === true })))
  return lists.flat()
}

/**
 * Spool files in folders of `[spool] dir` that match no server of the
 * configuration (renamed or removed): nobody delivers them, yet they count
 * against `[spool] max_size`. Each file's `server` is its folder's name.
 */
export function listUnconfiguredSpool(config: EHTConfig): Promise<SpoolFile[]> {
  return unconfiguredIn(config.spool.dir, config.servers.map((s) => s.name))
}
