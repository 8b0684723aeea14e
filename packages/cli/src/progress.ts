import { formatAmount, formatCount, formatDuration, formatRate } from './format.js'

/** What is being counted, and how much there is when known. */
export interface ProgressOptions {
  /** Shown first on every bar or line, e.g. "convert". */
  label: string
  /** `bytes` when the input size is known (files), else `points`. */
  unit: 'bytes' | 'points'
  /** Total in `unit`; undefined when unknown (pipes, compressed input): no percentage nor ETA then. */
  total?: number | undefined
}

export interface ProgressSettings {
  stream: NodeJS.WritableStream & { isTTY?: boolean }
  /** --quiet: nothing is shown. */
  quiet: boolean
  /** Plain lines (stderr not a terminal): at most one per interval. */
  intervalMs: number
  /** Clock in ms (tests). */
  now?: () => number
}

export interface Progress {
  /** Records how much is done in the chosen unit, and how many points so far. */
  update(done: number, points: number): void
  /** Sets the total once it is known (a replay learns its input size after it started); 0 or undefined: unknown. */
  setTotal(total: number | undefined): void
  /** Removes the bar (a terminal) and returns the elapsed time in ms. */
  stop(): number
}

/** Environment variable: the interval of plain progress lines in ms (default 5000). */
export const PROGRESS_INTERVAL_ENV = 'EHT_CLI_PROGRESS_INTERVAL_MS'

export function progressIntervalFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env[PROGRESS_INTERVAL_ENV]
  const value = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw)
  return Number.isFinite(value) && value >= 0 ? value : 5000
}

/**
 * A progress display for a long command: a cli-progress bar when the stream is
 * a terminal (bytes or points, rate, ETA), plain periodic lines otherwise,
 * nothing with --quiet. The caller prints the one-line summary after stop().
 */
export async function startProgress(settings: ProgressSettings, options: ProgressOptions): Promise<Progress> {
  const now = settings.now ?? (() => performance.now())
  const started = now()
  if (settings.quiet) return { update() {}, setTotal() {}, stop: () => now() - started }
  if (settings.stream.isTTY === true) return startBar(settings.stream, options, now, started)
  return startLines(settings, options, now, started)
}

/** "12.3 MB of 40.0 MB (31%), 52,100 points, 2.10 MB/s, ETA 13.0 s" */
export function describeProgress(options: ProgressOptions, done: number, points: number, elapsedMs: number): string {
  const parts: string[] = []
  const { total, unit } = options
  if (total !== undefined && total > 0) {
    const percent = Math.min(100, Math.floor((done * 100) / total))
    parts.push(`${formatAmount(done, unit)} of ${formatAmount(total, unit)} (${percent}%)`)
  } else {
    parts.push(formatAmount(done, unit))
  }
  if (unit === 'bytes') parts.push(`${formatCount(points)} points`)
  parts.push(formatRate(done, elapsedMs, unit))
  if (total !== undefined && total > 0 && done > 0 && elapsedMs > 0) {
    parts.push(`ETA ${formatDuration(((total - done) * elapsedMs) / done)}`)
  }
  return `${options.label}: ${parts.join(', ')}`
}

function startLines(settings: ProgressSettings, given: ProgressOptions, now: () => number, started: number): Progress {
  let lastLine = started
  let options = given
  return {
    update(done, points) {
      const t = now()
      if (t - lastLine < settings.intervalMs) return
      lastLine = t
      settings.stream.write(`${describeProgress(options, done, points, t - started)}\n`)
    },
    setTotal(total) {
      options = { ...options, total }
    },
    stop: () => now() - started,
  }
}

async function startBar(stream: NodeJS.WritableStream, given: ProgressOptions, now: () => number, started: number): Promise<Progress> {
  const { default: cliProgress } = await import('cli-progress')
  const open = (options: ProgressOptions) => {
    const known = options.total !== undefined && options.total > 0
    const points = options.unit === 'bytes' ? ' | {points}' : ''
    const format = known
      ? `${options.label} [{bar}] {percentage}% | {done} of {all}${points} | {rate} | ETA {eta_formatted}`
      : `${options.label} {done}${points} | {rate} | {duration_formatted}`
    const bar = new cliProgress.SingleBar({ format, stream, hideCursor: true, clearOnComplete: true, etaBuffer: 50, fps: 5 }, cliProgress.Presets.shades_classic)
    const payload = (done: number, points: number) => ({
      done: formatAmount(done, options.unit),
      all: known ? formatAmount(options.total!, options.unit) : '',
      points: `${formatCount(points)} points`,
      rate: formatRate(done, now() - started, options.unit),
    })
    bar.start(known ? options.total! : 0, 0, payload(0, 0))
    return { bar, payload }
  }
  let options = given
  let current = open(options)
  return {
    update(done, points) {
      current.bar.update(done, current.payload(done, points))
    },
    setTotal(total) {
      if (total === options.total) return
      current.bar.stop()
      options = { ...options, total }
      current = open(options)
    },
    stop() {
      current.bar.stop()
      return now() - started
    },
  }
}
