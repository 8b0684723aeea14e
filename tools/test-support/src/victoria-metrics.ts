import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { requireBinary } from './binaries.js'
import { freePort } from './free-port.js'
import { logPath, removeDir, startProcess, waitForHttp, type ManagedProcess } from './managed-process.js'

/** One series as /api/v1/export returns it (one JSON object per line). */
export interface ExportedSeries {
  metric: Record<string, string>
  values: number[]
  timestamps: number[]
}

export interface VictoriaMetricsServer {
  readonly url: string
  readonly port: number
  readonly dir: string
  /** The running victoria-metrics (a new one after restart()). */
  readonly process: ManagedProcess
  /** Stops victoria-metrics but keeps its data and port, as a server going down; `restart()` brings it back. */
  halt(): Promise<void>
  /** Starts victoria-metrics again on the same port with the same data, and waits until it answers. */
  restart(): Promise<void>
  /** Makes freshly written samples searchable (VictoriaMetrics buffers them for about a second). */
  flush(): Promise<void>
  /** Flushes, then reads every series matching `match` (default: all) through /api/v1/export. */
  export(match?: string): Promise<ExportedSeries[]>
  /** Total number of samples matching `match`. */
  countSamples(match?: string): Promise<number>
  stop(): Promise<void>
}

export interface StartVictoriaMetricsOptions {
  /** Retention period flag (default 100y so that old test timestamps are kept). */
  retentionPeriod?: string
  keepDir?: boolean
}

/** Starts victoria-metrics in `dir` on `port` and waits until it answers /health. */
async function launch(binary: string, dir: string, port: number, retentionPeriod: string): Promise<ManagedProcess> {
  const proc = startProcess(
    binary,
    [
      `-storageDataPath=${path.join(dir, 'data')}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      `-retentionPeriod=${retentionPeriod}`,
      '-loggerLevel=ERROR',
      '-search.latencyOffset=0s',
      '-search.disableCache',
    ],
    { cwd: dir, logFile: logPath(dir, 'victoria-metrics') },
  )
  try {
    await waitForHttp(`http://127.0.0.1:${port}/health`, proc, 'victoria-metrics')
  } catch (error) {
    await proc.stop()
    throw error
  }
  return proc
}

/**
 * Starts Debian's `victoria-metrics` on a free loopback port in a fresh temporary
 * directory. It accepts the InfluxDB v2 write API at /api/v2/write; a field `f`
 * of measurement `m` becomes the metric `m_f`; floats are stored at ms precision.
 */
export async function startVictoriaMetrics(options: StartVictoriaMetricsOptions = {}): Promise<VictoriaMetricsServer> {
  const binary = requireBinary('victoria-metrics', 'victoria-metrics')
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-victoria-'))
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const relaunch = () => launch(binary, dir, port, options.retentionPeriod ?? '100y')
    let proc: ManagedProcess
    try {
      proc = await relaunch()
    } catch (error) {
      lastError = error
      removeDir(dir)
      continue
    }
    const server: VictoriaMetricsServer = {
      url,
      port,
      dir,
      get process() {
        return proc
      },
      async halt() {
        await proc.stop()
      },
      async restart() {
        await proc.stop()
        proc = await relaunch()
      },
      async flush() {
        const res = await fetch(`${url}/internal/force_flush`)
        if (!res.ok) throw new Error(`force_flush failed: HTTP ${res.status}`)
      },
      async export(match = '{__name__!=""}') {
        await server.flush()
        const res = await fetch(`${url}/api/v1/export?${new URLSearchParams({ 'match[]': match })}`)
        const text = await res.text()
        if (!res.ok) throw new Error(`export failed: HTTP ${res.status} ${text}`)
        return text
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as ExportedSeries)
      },
      async countSamples(match) {
        const series = await server.export(match)
        return series.reduce((sum, s) => sum + s.values.length, 0)
      },
      async stop() {
        await proc.stop()
        if (options.keepDir !== true) removeDir(dir)
      },
    }
    return server
  }
  throw lastError
}
