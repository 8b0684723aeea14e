import type { DropCause } from './errors.js'

/** What became of the points of one call at one server. */
export interface ServerOutcome {
  /** Accepted by the server. */
  accepted: number
  /** Kept in the spool (delivered later). */
  spooled: number
  /** Rejected by the server for good; in the errors file. */
  rejected: number
  /** Neither delivered nor spooled (spool full or not writable): only in the logfile. */
  dropped: number
  /** Why points were spooled, rejected or dropped (distinct messages). */
  reasons: string[]
  /** Present when points were dropped: why (the spool full, or not writable) and the message. */
  dropCause?: DropCause
}

export type OutcomeKind = 'accepted' | 'spooled' | 'rejected' | 'dropped'

/** Counts the points of one call at one server down to zero, then resolves with the outcome. */
export class Ticket {
  readonly outcome: ServerOutcome = { accepted: 0, spooled: 0, rejected: 0, dropped: 0, reasons: [] }
  readonly done: Promise<ServerOutcome>
  private remaining: number
  private resolve!: (outcome: ServerOutcome) => void

  constructor(points: number) {
    this.remaining = points
    this.done = new Promise((resolve) => (this.resolve = resolve))
    if (points === 0) this.resolve(this.outcome)
  }

  settle(kind: OutcomeKind, points: number, reason?: string): void {
    if (points <= 0) return
    this.outcome[kind] += points
    if (reason !== undefined && !this.outcome.reasons.includes(reason)) this.outcome.reasons.push(reason)
    this.remaining -= points
    if (this.remaining <= 0) this.resolve(this.outcome)
  }
}
