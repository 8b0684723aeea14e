import { ACCEPTED, REJECTED, UNSENT, type BatchResult } from './deliver-batch.js'
import { advanceLines, JoinedLines } from './joined-lines.js'
import { monotonicMs } from './monotonic-clock.js'
import type { Ticket } from './ticket.js'

/** Which call's ticket owns how many consecutive lines of a batch. */
export type Span = [Ticket | undefined, number]

/** A call's lines; `line` of them are taken, the next one starts at `pos` in the text. */
type Entry = { chunk: JoinedLines; line: number; pos: number; ticket: Ticket | undefined } | { marker: () => void }

/**
 * The in-memory FIFO of one outbox: each call's lines as one joined text (with
 * its call's ticket), and flush markers. A batch of whole calls is their texts
 * as they are.
 */
export class LineQueue {
  private entries: Entry[] = []
  private head = 0
  /** Lines waiting. */
  lines = 0
  /** Their size (UTF-16 units + newlines: bytes for ASCII; take() makes a batch fit in UTF-8 bytes). */
  bytes = 0
  /** When the oldest waiting line arrived (ms, monotonic clock: a step of the wall clock must not delay the batch). */
  since = 0
  /** Flush markers waiting. */
  markers = 0

  push(chunk: JoinedLines, ticket: Ticket | undefined): void {
    if (chunk.count === 0) return
    if (this.lines === 0) this.since = monotonicMs()
    this.entries.push({ chunk, line: 0, pos: 0, ticket })
    this.lines += chunk.count
    this.bytes += chunk.size
  }

  pushMarker(marker: () => void): void {
    this.entries.push({ marker })
    this.markers++
  }

  /** 'marker', 'lines' or 'empty': what is at the head. */
  headKind(): 'marker' | 'lines' | 'empty' {
    const entry = this.entries[this.head]
    return entry === undefined ? 'empty' : 'marker' in entry ? 'marker' : 'lines'
  }

  /** Removes the flush marker at the head and returns its callback. */
  popMarker(): () => void {
    const entry = this.entries[this.head]
    if (entry === undefined || !('marker' in entry)) throw new Error('no flush marker at the head of the queue')
    this.pop()
    this.markers--
    return entry.marker
  }

  /**
   * Up to `maxLines` lines and `maxBytes` bytes of UTF-8 (one line alone may be
   * larger) from the head, stopping at a flush marker.
   */
  take(maxLines: number, maxBytes: number): [JoinedLines, Span[]] {
    const [batch, spans] = this.takeUnits(maxLines, maxBytes)
    return this.fitBytes(batch, spans, maxBytes)
  }

  /**
   * The batch within `maxBytes` as UTF-8 (the queue counts UTF-16 units: the
   * same for ASCII, but a character beyond it takes up to 3 bytes). The bytes
   * are made here once, as the request needs them anyway; lines past the limit
   * go back to the head of the queue, in order, with their calls' tickets.
   */
  private fitBytes(batch: JoinedLines, spans: Span[], maxBytes: number): [JoinedLines, Span[]] {
    const bytes = batch.utf8()
    if (bytes.length + 1 <= maxBytes || batch.count === 1) return [batch, spans]
    // The lines whose newline-terminated bytes fit (at least one: a longer line goes alone).
    const last = bytes.lastIndexOf(0x0a, maxBytes - 1)
    let keep = 0
    for (let at = bytes.indexOf(0x0a); at >= 0 && at <= last; at = bytes.indexOf(0x0a, at + 1)) keep++
    keep = Math.max(1, keep)
    const lines = batch.lines()
    const kept: Span[] = []
    const back: Entry[] = []
    let i = 0
    for (const [ticket, count] of spans) {
      const mine = Math.max(0, Math.min(count, keep - i))
      if (mine > 0) kept.push([ticket, mine])
      if (mine < count) {
        const chunk = JoinedLines.of(lines.slice(i + mine, i + count))
        back.push({ chunk, line: 0, pos: 0, ticket })
        this.lines += chunk.count
        this.bytes += chunk.size
      }
      i += count
    }
    this.entries.splice(this.head, 0, ...back)
    // They were part of a batch due now: they go next, without waiting for the flush interval
    // (-Infinity: the monotonic clock starts near 0 with the process, so 0 could be less than an interval ago).
    this.since = -Infinity
    return [JoinedLines.of(lines.slice(0, keep)), kept]
  }

  /** take() counting UTF-16 units (plus a newline a line): bytes for ASCII. */
  private takeUnits(maxLines: number, maxBytes: number): [JoinedLines, Span[]] {
    const parts: (string | JoinedLines)[] = []
    const spans: Span[] = []
    let count = 0
    let bytes = 0
    for (let entry = this.entries[this.head]; entry !== undefined && !('marker' in entry); entry = this.entries[this.head]) {
      const { chunk } = entry
      if (entry.line === 0 && count + chunk.count <= maxLines && bytes + chunk.size <= maxBytes) {
        // A whole call's lines, as they came (bytes stay bytes).
        parts.push(chunk)
        spans.push([entry.ticket, chunk.count])
        bytes += chunk.size
        count += chunk.count
        this.pop()
        continue
      }
      const text = chunk.text
      const left = chunk.count - entry.line
      let n = left
      let end = text.length + 1
      if (count + left > maxLines || bytes + end - entry.pos > maxBytes) {
        // Part of this call's lines: line by line until a limit.
        n = 0
        end = entry.pos
        while (n < left && count + n < maxLines) {
          const next = advanceLines(text, end, 1)
          if (count + n > 0 && bytes + next - entry.pos > maxBytes) break
          end = next
          n++
        }
        if (n === 0) break
      }
      parts.push(entry.pos === 0 && n === chunk.count ? text : text.slice(entry.pos, end - 1))
      spans.push([entry.ticket, n])
      bytes += end - entry.pos
      count += n
      entry.line += n
      entry.pos = end
      if (entry.line === chunk.count) this.pop()
      else break
    }
    this.lines -= count
    this.bytes = this.lines === 0 ? 0 : this.bytes - bytes
    const only = parts.length === 1 ? parts[0]! : undefined
    if (only instanceof JoinedLines) return [only, spans]
    const texts = parts.map((part) => (typeof part === 'string' ? part : part.text))
    return [JoinedLines.fromText(texts.length === 1 ? texts[0]! : texts.join('\n'), count), spans]
  }

  private pop(): void {
    this.entries[this.head++] = undefined as unknown as Entry
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head)
      this.head = 0
    }
  }
}

/** Settles each call's accepted and rejected lines of a sent batch. */
export function settleSent(spans: readonly Span[], result: BatchResult): void {
  let i = 0
  for (const [ticket, count] of spans) {
    let accepted = 0
    let rejected = 0
    for (const end = i + count; i < end; i++) {
      if (result.status[i] === ACCEPTED) accepted++
      else if (result.status[i] === REJECTED) rejected++
    }
    ticket?.settle('accepted', accepted)
    ticket?.settle('rejected', rejected, result.rejected[0]?.message)
  }
}

/** The spans of a batch counting only its lines that were not sent. */
export function unsentSpans(spans: readonly Span[], status: Uint8Array): Span[] {
  let i = 0
  return spans.map(([ticket, count]) => {
    let unsent = 0
    for (const end = i + count; i < end; i++) if (status[i] === UNSENT) unsent++
    return [ticket, unsent]
  })
}
