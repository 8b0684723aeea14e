import { scrubSecrets } from '@eht-influx-client/config'
import type { WriterError } from './errors.js'
import { callSafely } from './safe-call.js'

export interface DeliveredEvent {
  server: string
  points: number
  /** True when the points came from the spool. */
  fromSpool: boolean
}
export interface RetryEvent {
  server: string
  points: number
  /** 1-based retry number. */
  retry: number
  delayMs: number
  reason: string
}
export interface SpooledEvent {
  server: string
  points: number
  reason: string
}
export interface ErrorEvent {
  /** undefined for the logfile. */
  server: string | undefined
  points: number
  reason: string
  error: WriterError
}

/** Callbacks for what happens to points after write(); a throwing callback is ignored. */
export interface DeliveryCallbacks {
  onDelivered?: (event: DeliveredEvent) => void
  onRetry?: (event: RetryEvent) => void
  onSpooled?: (event: SpooledEvent) => void
  onError?: (event: ErrorEvent) => void
}

/** Fans events out to listeners, with every secret value replaced by *** first. */
export class EventHub {
  private readonly listeners = new Set<DeliveryCallbacks>()

  /** A true private field: util.inspect / console.log of a client never shows the secrets it scrubs. */
  readonly #secrets: readonly string[]

  constructor(secrets: readonly string[] = []) {
    this.#secrets = secrets
  }

  add(callbacks: DeliveryCallbacks): () => void {
    this.listeners.add(callbacks)
    return () => this.listeners.delete(callbacks)
  }

  /** Removes any secret value from a text. */
  scrub(text: string): string {
    return scrubSecrets(text, this.#secrets)
  }

  delivered(event: DeliveredEvent): void {
    this.emit('onDelivered', event)
  }
  retry(event: RetryEvent): void {
    this.emit('onRetry', { ...event, reason: this.scrub(event.reason) })
  }
  spooled(event: SpooledEvent): void {
    this.emit('onSpooled', { ...event, reason: this.scrub(event.reason) })
  }
  error(event: ErrorEvent): void {
    event.error.message = this.scrub(event.error.message)
    this.emit('onError', { ...event, reason: this.scrub(event.reason) })
  }

  private emit<K extends keyof DeliveryCallbacks>(kind: K, event: Parameters<NonNullable<DeliveryCallbacks[K]>>[0]): void {
    // A callback's own bug (a throw, or an async callback that rejects) must not stop delivery nor end the process.
    for (const listener of this.listeners) callSafely(listener[kind] as ((e: typeof event) => unknown) | undefined, event)
  }
}
