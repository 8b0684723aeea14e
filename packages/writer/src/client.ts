import { loadConfig, type ConfigOptions, type EHTConfig } from '@eht-influx-client/config'
import { openLogWriter } from '@eht-influx-client/logfile'
import { Delivery, type DeliveryOptions } from './delivery.js'
import { ClosedError, LogfileWriteError } from './errors.js'
import { Pipeline } from './pipeline.js'
import { safeLineSink } from './safe-sink.js'
import type { ServerStats } from './server-context.js'
import { WriteApi, type WriteApiOptions } from './write-api.js'

/** Options of `fromConfig` / `fromConfigFile`. */
export interface ClientOptions extends DeliveryOptions {
  /** For `fromConfigFile`: where `$VARS`, `token_env` and overrides are looked up, and the base of relative paths without a file. */
  env?: ConfigOptions['env']
  cwd?: ConfigOptions['cwd']
}

/**
 * The client station scripts use: every point to the logfile first, then to
 * every enabled server, asynchronously by default, with nothing lost.
 */
export class EHTInfluxDBClient {
  private closing: Promise<void> | undefined
  /** The WriteApis open (a closed one leaves: a long-running script may open one per cycle). */
  private readonly apis = new Set<WriteApi>()

  private constructor(
    /** The configuration in use (secrets print as ***). */
    readonly config: EHTConfig,
    private readonly pipeline: Pipeline,
  ) {}

  /**
   * Reads the configuration (`loadConfig`: the path given, else
   * `$EHT_INFLUX_CONFIG`, `./influx_config.ini`, `~/.config/...`,
   * `/etc/...`, else the built-in logfile-only default) and opens the client.
   */
  static async fromConfigFile(path?: string, options: ClientOptions = {}): Promise<EHTInfluxDBClient> {
    const { env, cwd, ...rest } = options
    const config = await loadConfig(path, { ...(env === undefined ? {} : { env }), ...(cwd === undefined ? {} : { cwd }) })
    return EHTInfluxDBClient.fromConfig(config, rest)
  }

  /**
   * Opens the logfile writer and one outbox per enabled server (after the
   * profile guard), and starts delivering any spooled points in the background.
   * Configuration warnings go to stderr unless `[errors] stderr = off`.
   */
  static async fromConfig(config: EHTConfig, options: ClientOptions = {}): Promise<EHTInfluxDBClient> {
    const sink = safeLineSink(options.stderr ?? process.stderr)
    if (config.errors.stderr !== 'off') for (const warning of config.warnings) sink.write(`eht-influx-client: ${warning}\n`)
    const delivery = await Delivery.open(config, options)
    let logWriter
    try {
      const { path, format, rotate, fsync, flushIntervalMs, compressRotated } = config.logfile
      logWriter = await openLogWriter({ path, format, rotate, fsync, flushIntervalMs, compressRotated })
    } catch (error) {
      await delivery.close()
      const where = `${config.source ?? 'the configuration'}, [logfile] path = ${config.logfile.path}`
      throw new LogfileWriteError(`cannot open the logfile (${where}): ${(error as Error)?.message ?? String(error)}`, { cause: error })
    }
    return new EHTInfluxDBClient(config, new Pipeline(logWriter, delivery))
  }

  /** A WriteApi; mode from `[client] write_mode` unless given. */
  writeApi(options: WriteApiOptions = {}): WriteApi {
    if (this.closing !== undefined) throw new ClosedError('writeApi() after client.close(): open a new client')
    const api = new WriteApi(
      this.pipeline,
      {
        ...options,
        writeMode: options.writeMode ?? this.config.client.writeMode,
        timestampUnit: options.timestampUnit ?? 'ns',
        skipInvalid: options.skipInvalid ?? false,
      },
      this.config.client.station === undefined ? {} : { station: this.config.client.station },
      (closed) => this.apis.delete(closed),
    )
    this.apis.add(api)
    return api
  }

  /** Everything written so far is in the logfile and accepted by every server or spooled; during or after close(), once the close is done. */
  flush(): Promise<void> {
    return this.pipeline.flush()
  }

  /** Counters per server. */
  stats(): Record<string, ServerStats> {
    return this.pipeline.delivery.stats()
  }

  /**
   * Closes every WriteApi (their points logged and accepted or spooled), the
   * outboxes and the logfile. Never discards a point. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.apis].map((api) => api.close()))
      await this.pipeline.close()
    })()
    return this.closing
  }
}
