import type { HttpSender, SendOutcome } from './http-sender.js'
import { JoinedLines } from './joined-lines.js'
import { monotonicMs } from './monotonic-clock.js'
import type { RetryPolicy } from './retry-policy.js'
import { sleep, type Stopper } from './sleep.js'

/** Per line of a batch: what became of it. */
export const ACCEPTED = 0
export const REJECTED = 1
export const UNSENT = 2

export interface RejectedLine {
  index: number
  status: number
  message: string
}

/** What became of one batch. */
export interface BatchResult {
  /** ACCEPTED, REJECTED or UNSENT for each line, by index. */
  status: Uint8Array
  accepted: number
  /** Points the server refused for good (400/422, or one point alone above its size limit). */
  rejected: RejectedLine[]
  /** Lines not delivered (retries exhausted, 401/403, closing): they belong in the spool. */
  unsent: number
  /** Why some lines are unsent. */
  reason: string | undefined
  /** 401/403/404... (or credentials no request can carry): the server refuses us, not the points. */
  refused: boolean
  /** The HTTP status of that refusal, if a server gave one. */
  refusedStatus: number | undefined
}

export interface BatchHooks {
  onRetry?(info: { lines: number; retry: number; delayMs: number; message: string }): void
  /** Let the process exit during retry waits (for points already on disk). */
  unrefSleeps?: boolean
}

type Final = Exclude<SendOutcome, { kind: 'retry' }> | { kind: 'exhausted'; message: string }

/** One chunk until it is accepted, needs splitting or is given up, following the retry policy. */
async function sendWithRetry(sender: HttpSender, policy: RetryPolicy, lines: JoinedLines, stopper: Stopper, hooks: BatchHooks): Promise<Final> {
  const body = lines.body
  // max_retry_time is a duration: on the monotonic clock, a step of the wall clock neither ends nor prolongs it.
  const startedAt = monotonicMs()
  for (let retry = 1; ; retry++) {
    const outcome = await sender.send(body)
    if (outcome.kind !== 'retry') return outcome
    if (stopper.stopped) return { kind: 'exhausted', message: `${outcome.message}; not retried because the client is closing` }
    const step = policy.next(retry, startedAt, monotonicMs(), outcome.retryAfterMs)
    if (!step.retry) return { kind: 'exhausted', message: `${outcome.message}; ${step.reason}` }
    hooks.onRetry?.({ lines: lines.count, retry, delayMs: step.delayMs, message: outcome.message })
    if (!(await sleep(step.delayMs, stopper, hooks.unrefSleeps === true))) return { kind: 'exhausted', message: `${outcome.message}; retry cut short because the client is closing` }
  }
}

/**
 * Whether a 400/422 says that the server dropped every one of the `count`
 * points sent, each for a reason of its own. InfluxDB ends a partial write's
 * message with `dropped=N`, N counting the points it refused (not lines it
 * could not parse, which it leaves out of N). Only a field type conflict or a
 * time beyond the retention policy is a point's own fault, so that it would be
 * refused in any smaller part too: N equal to the points sent then means that
 * bisecting would cost 2N - 1 requests to learn no more. Other reasons are the
 * batch's (`max-series-per-database limit exceeded` drops a whole batch whose
 * parts may fit), and are bisected. A message cut short (it then ends in
 * "...") never matches.
 */
function droppedAll(message: string, count: number): boolean {
  if (!/partial write: (field type conflict|points beyond retention policy)\b/.test(message)) return false
  const match = /\bdropped=(\d+)$/.exec(message)
  return match !== null && Number(match[1]) === count
}

/**
 * Delivers `lines` to one server: retries, splits on 413, bisects on 400/422
 * so that exactly the bad points are rejected and the good ones delivered
 * (InfluxDB ignores a re-sent identical point), unless the server says it
 * dropped every point of the part (droppedAll), and hands back what could not
 * be delivered instead of dropping it.
 */
export async function deliverBatch(sender: HttpSender, policy: RetryPolicy, batch: readonly string[] | JoinedLines, stopper: Stopper, hooks: BatchHooks = {}): Promise<BatchResult> {
  const lines = JoinedLines.from(batch)
  const result: BatchResult = { status: new Uint8Array(lines.count), accepted: 0, rejected: [], unsent: 0, reason: undefined, refused: false, refusedStatus: undefined }
  const giveUp = (from: number, to: number) => {
    result.status.fill(UNSENT, from, to)
    result.unsent += to - from
  }
  // Ranges [from, to) of `lines`, in order.
  const work: [number, number][] = [[0, lines.count]]
  while (work.length > 0) {
    const [from, to] = work.shift()!
    if (result.reason !== undefined) {
      giveUp(from, to)
      continue
    }
    const final = await sendWithRetry(sender, policy, lines.slice(from, to), stopper, hooks)
    switch (final.kind) {
      case 'ok':
        result.accepted += to - from
        break
      case 'too-large':
      case 'bad-points':
        if (to - from === 1 || (final.kind === 'bad-points' && droppedAll(final.message, to - from))) {
          result.status.fill(REJECTED, from, to)
          for (let index = from; index < to; index++) result.rejected.push({ index, status: final.status, message: final.message })
        } else {
          const middle = from + Math.ceil((to - from) / 2)
          work.unshift([from, middle], [middle, to])
        }
        break
      case 'refused':
        result.refused = true
        result.refusedStatus = final.status
        result.reason = final.message
        giveUp(from, to)
        break
      case 'exhausted':
        result.reason = final.message
        giveUp(from, to)
        break
    }
  }
  return result
}
