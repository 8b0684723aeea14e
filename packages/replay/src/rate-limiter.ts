import { ReplayOptionsError } from './errors.js'

/** Most points and/or bytes (of line protocol, newline included) per second, per server. */
export interface RateLimit {
  pointsPerSecond?: number
  bytesPerSecond?: number
}

/** Chunks sent per second under a limit: small enough that the pace is smooth. */
const CHUNKS_PER_SECOND = 10

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

function checkRate(value: number | undefined, key: string): void {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ReplayOptionsError(`rateLimit.${key} must be a number above 0, got ${String(value)}`, `rateLimit.${key}`)
  }
}

/**
 * Paces chunks so that, over any stretch of a few seconds, no more than the
 * limit goes out: each chunk books the time its points (or bytes) take at the
 * limit, and waits until the chunks before it have had theirs.
 */
export class RateLimiter {
  private next: number | undefined

  constructor(
    readonly limit: RateLimit,
    private readonly clock: Clock = realClock,
  ) {
    checkRate(limit.pointsPerSecond, 'pointsPerSecond')
    checkRate(limit.bytesPerSecond, 'bytesPerSecond')
    if (limit.pointsPerSecond === undefined && limit.bytesPerSecond === undefined) {
      throw new ReplayOptionsError('rateLimit needs pointsPerSecond and/or bytesPerSecond', 'rateLimit')
    }
  }

  /** Largest chunk (lines, bytes) to hand over at once, so the pace stays smooth. */
  chunkLimits(maxLines: number, maxBytes: number): { lines: number; bytes: number } {
    const { pointsPerSecond: pps, bytesPerSecond: bps } = this.limit
    return {
      lines: pps === undefined ? maxLines : Math.max(1, Math.min(maxLines, Math.floor(pps / CHUNKS_PER_SECOND))),
      bytes: bps === undefined ? maxBytes : Math.max(1, Math.min(maxBytes, Math.floor(bps / CHUNKS_PER_SECOND))),
    }
  }

  /** Resolves when a chunk of `points` and `bytes` may go. */
  async take(points: number, bytes: number): Promise<void> {
    const { pointsPerSecond: pps, bytesPerSecond: bps } = this.limit
    const costMs = Math.max(pps === undefined ? 0 : (points / pps) * 1000, bps === undefined ? 0 : (bytes / bps) * 1000)
    const now = this.clock.now()
    const start = this.next === undefined || this.next < now ? now : this.next
    this.next = start + costMs
    if (start > now) await this.clock.sleep(start - now)
  }
}
