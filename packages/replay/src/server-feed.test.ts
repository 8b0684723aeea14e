import type { LineProtocolRun } from '@eht-influx-client/logfile'
import { JoinedLines, type Delivery, type ServerOutcome } from '@eht-influx-client/writer'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { removeTempDirs, tempDir } from '../test/support.js'
import { CheckpointStore } from './checkpoint-store.js'
import { ServerFeed, type FeedLimits } from './server-feed.js'

afterEach(removeTempDirs)

const server = { name: 'local', url: 'http://127.0.0.1:8086', api: 'v1' as const, org: 'eht', bucket: 'eht_test' }

/** A delivery that accepts every chunk at once and keeps what it was given. */
function recordingDelivery(): { delivery: Delivery; chunks: { text: string; count: number }[] } {
  const chunks: { text: string; count: number }[] = []
  const delivery = {
    enqueue(lines: readonly string[] | JoinedLines): Promise<Record<string, ServerOutcome>> {
      const joined = JoinedLines.from(lines)
      chunks.push({ text: joined.text, count: joined.count })
      return Promise.resolve({ local: { accepted: joined.count, spooled: 0, rejected: 0, dropped: 0, reasons: [] } })
    },
    flush: () => Promise.resolve(),
  } as unknown as Delivery
  return { delivery, chunks }
}

interface Point {
  lp: string
  file: string
  endOffset: number
  line: number
}

/** Points of two files, lines of varied length. */
const points: Point[] = Array.from({ length: 47 }, (_, i) => ({ lp: `m,t=${'x'.repeat(i % 7)} v=${i}i ${1000 + i}`, file: i < 30 ? '/logs/a.jsonl' : '/logs/b.jsonl', endOffset: 100 * (i < 30 ? i + 1 : i - 29), line: i < 30 ? i + 1 : i - 29 }))

/** The points [from, to) of one file as a run, as logfile's readyRun() hands them out. */
function runOf(from: number, to: number): LineProtocolRun {
  const part = points.slice(from, to)
  const textEnds = new Int32Array(64)
  let end = -1
  part.forEach((p, i) => (textEnds[i] = end += p.lp.length + 1))
  const text = part.map((p) => `${p.lp}\n`).join('')
  return { file: part[0]!.file, text, bytes: Buffer.from(text, 'latin1'), count: part.length, textEnds, lines: Int32Array.from(part.map((p) => p.line)), endOffsets: Float64Array.from(part.map((p) => p.endOffset)) }
}

/** A run's text and bytes for other lines of the same lengths' count (textEnds recomputed). */
function textOf(lines: string[]): Pick<LineProtocolRun, 'text' | 'bytes' | 'textEnds' | 'count'> {
  const textEnds = new Int32Array(64)
  let end = -1
  lines.forEach((lp, i) => (textEnds[i] = end += lp.length + 1))
  const text = lines.map((lp) => `${lp}\n`).join('')
  return { text, bytes: Buffer.from(text, 'latin1'), textEnds, count: lines.length }
}

async function feedOf(limits: FeedLimits, skipUpTo?: number) {
  const dir = tempDir()
  const store = await CheckpointStore.open(dir, { server }, true)
  if (skipUpTo !== undefined) store.advance('/logs/a.jsonl', { offset: skipUpTo, line: skipUpTo / 100 })
  const { delivery, chunks } = recordingDelivery()
  const feed = new ServerFeed('local', delivery, store, limits, undefined, () => {})
  return { feed, chunks, store }
}

describe('ServerFeed.addRun', () => {
  it.each([
    ['by lines', { lines: 5, bytes: 1e9, windowLines: 20, batchSize: 5 }],
    ['by bytes', { lines: 1000, bytes: 70, windowLines: 1000, batchSize: 1000 }],
    ['in one chunk', { lines: 1000, bytes: 1e9, windowLines: 1000, batchSize: 1000 }],
  ])('hands over the same chunks and checkpoints as adding the points one by one (%s)', async (_, limits) => {
    for (const skipUpTo of [undefined, 700]) {
      const one = await feedOf(limits, skipUpTo)
      for (const p of points) {
        if (one.feed.skips(p.file, p.endOffset)) continue
        const wait = one.feed.add(p.lp, p.file, p.endOffset, p.line)
        if (wait !== undefined) await wait
      }
      await one.feed.finish()
      const runs = await feedOf(limits, skipUpTo)
      // Runs end where a file ends, and elsewhere: one of a single point, one across a chunk's end.
      for (const [from, to] of [[0, 4], [4, 5], [5, 30], [30, 47]] as const) {
        const wait = runs.feed.addRun(runOf(from, to))
        if (wait !== undefined) await wait
      }
      await runs.feed.finish()
      expect(runs.chunks).toEqual(one.chunks)
      expect({ ...runs.feed.summary, checkpointFile: undefined }).toEqual({ ...one.feed.summary, checkpointFile: undefined })
      expect(runs.store.get('/logs/a.jsonl')).toEqual(one.store.get('/logs/a.jsonl'))
      expect(runs.store.get('/logs/b.jsonl')).toEqual({ offset: 1700, line: 17 })
      expect(runs.chunks.map((c) => c.text).join('\n')).toBe(points.filter((p) => skipUpTo === undefined || p.file !== '/logs/a.jsonl' || p.endOffset > skipUpTo).map((p) => p.lp).join('\n'))
      expect(runs.feed.summary.alreadyDone).toBe(skipUpTo === undefined ? 0 : 7)
    }
  })

  it('carries lines beyond ASCII, and chunks larger than its first buffer, unchanged', async () => {
    const limits = { lines: 3000, bytes: 1e9, windowLines: 3000, batchSize: 3000 }
    const { feed, chunks } = await feedOf(limits)
    const sent: string[] = []
    for (let i = 0; i < 1200; i++) {
      const lp = i % 3 === 0 ? `m,s=☃\\ 🔭 v="é ${'ü'.repeat(i === 300 ? 6000 : i % 40)}" ${i}` : `m,s=${'x'.repeat(i % 150)} v=${i}i ${i}`
      sent.push(lp)
      const wait = feed.add(lp, '/logs/u.jsonl', i + 1, i + 1)
      if (wait !== undefined) await wait
    }
    const run = runOf(30, 47)
    const wait = feed.addRun(run)
    if (wait !== undefined) await wait
    await feed.finish()
    sent.push(...points.slice(30, 47).map((p) => p.lp))
    expect(chunks.map((c) => c.count)).toEqual([1217])
    expect(Buffer.byteLength(chunks[0]!.text)).toBeGreaterThan(64 * 1024)
    expect(chunks[0]!.text.split('\n')).toEqual(sent)
  })

  it('cuts chunks by their UTF-8 bytes (what goes on the wire), not by UTF-16 units', async () => {
    const limits = { lines: 1000, bytes: 1000, windowLines: 1000, batchSize: 1000 }
    const { feed, chunks } = await feedOf(limits)
    const line = (i: number) => `m,t=${'観測所'.repeat(10)} v=${i}i ${i}` // 90 bytes of tag value in 30 units
    for (let i = 0; i < 100; i++) {
      const wait = feed.add(line(i), '/logs/cjk.lp', 100 * (i + 1), i + 1)
      if (wait !== undefined) await wait
    }
    await feed.finish()
    const size = Buffer.byteLength(`${line(10)}\n`)
    expect(chunks.map((c) => c.count).reduce((a, b) => a + b)).toBe(100)
    // A chunk ends with the line that reaches the limit: at most one line beyond it.
    for (const chunk of chunks.slice(0, -1)) expect(Buffer.byteLength(`${chunk.text}\n`)).toBeLessThan(1000 + size)
    expect(chunks.length).toBeGreaterThanOrEqual(Math.floor((100 * size) / (1000 + size)))
  })

  it('reuses the memory of a chunk only after its outcome is in, each chunk the whole of its memory: bytes the delivery holds never change', async () => {
    // A delivery that settles each chunk only once two newer ones have come (and the rest at the end),
    // checking at that moment that the chunk's bytes are still those it was given.
    interface Held { body: Buffer; copy: Buffer; settled: boolean; settle: () => void }
    const held: Held[] = []
    const given: string[] = []
    const changed: number[] = []
    const notWhole: number[] = []
    const buffers = new Set<ArrayBufferLike>()
    const settle = (chunk: Held, index: number) => {
      if (chunk.settled) return
      chunk.settled = true
      if (!chunk.body.equals(chunk.copy)) changed.push(index)
      chunk.settle()
    }
    const delivery = {
      enqueue(lines: JoinedLines): Promise<Record<string, ServerOutcome>> {
        const body = lines.body as Buffer
        // Each chunk the whole of its memory, so that the request needs no copy of it.
        if (body.byteOffset !== 0 || body.byteLength !== body.buffer.byteLength) notWhole.push(held.length)
        buffers.add(body.buffer)
        given.push(body.toString('latin1'))
        return new Promise((resolve) => {
          held.push({ body, copy: Buffer.from(body), settled: false, settle: () => resolve({ local: { accepted: lines.count, spooled: 0, rejected: 0, dropped: 0, reasons: [] } }) })
          if (held.length > 2) settle(held[held.length - 3]!, held.length - 3)
        })
      },
      flush: () => {
        held.forEach((chunk, i) => settle(chunk, i))
        return Promise.resolve()
      },
    } as unknown as Delivery
    const store = await CheckpointStore.open(tempDir(), { server }, true)
    const feed = new ServerFeed('local', delivery, store, { lines: 5, bytes: 1e9, windowLines: 20, batchSize: 5 }, undefined, () => {})
    const sent: string[] = []
    for (let n = 0; n < 40; n++) {
      for (const p of points) sent.push(p.lp.replace(/ (\d+)$/, ` $1${n}`))
      // (Files of their own: the checkpoint moves on as chunks settle.)
      const wait = feed.addRun({ ...runOf(0, 30), ...textOf(sent.slice(-47, -17)), file: `/logs/a${n}.jsonl` })
      if (wait !== undefined) await wait
      const rest = feed.addRun({ ...runOf(30, 47), ...textOf(sent.slice(-17)), file: `/logs/b${n}.jsonl` })
      if (rest !== undefined) await rest
    }
    await feed.finish()
    expect(changed).toEqual([])
    expect(notWhole).toEqual([])
    expect(given.join('\n')).toBe(sent.join('\n'))
    expect(feed.summary.accepted).toBe(40 * 47)
    // Far fewer buffers than chunks: the settled ones were used again.
    expect(held.length).toBe(Math.ceil((40 * 47) / 5))
    expect(buffers.size).toBeLessThanOrEqual(10)
  })

  it('carries a line longer than its memory can grow in place (moved to larger memory), and the chunks around it', async () => {
    const limits = { lines: 3, bytes: 1000, windowLines: 30, batchSize: 3 }
    const { feed, chunks } = await feedOf(limits)
    const sent = Array.from({ length: 12 }, (_, i) => `m,s=${i} v="${(i === 4 ? 'long ' : '').repeat(i === 4 ? 400_000 : 1)}${i}" ${i}`)
    for (const [i, lp] of sent.entries()) {
      const wait = feed.add(lp, '/logs/long.jsonl', i + 1, i + 1)
      if (wait !== undefined) await wait
    }
    await feed.finish()
    expect(Buffer.byteLength(sent[4]!)).toBeGreaterThan(4 * 1000 + 1024 * 1024)
    expect(chunks.map((c) => c.count)).toEqual([3, 2, 3, 3, 1])
    expect(chunks.map((c) => c.text).join('\n')).toBe(sent.join('\n'))
  })

  it('writes the checkpoint after every second settled chunk, and once half a second after a chunk that settles alone', async () => {
    const limits = { lines: 5, bytes: 1e9, windowLines: 20, batchSize: 5 }
    const { feed, store } = await feedOf(limits)
    const writes = vi.spyOn(store as unknown as { write(): Promise<void> }, 'write')
    const onDisk = async () => (await CheckpointStore.open(path.dirname(store.file), { server }, true)).get('/logs/a.jsonl')
    // One chunk: not written at once, but by the timer.
    for (const p of points.slice(0, 5)) await feed.add(p.lp, p.file, p.endOffset, p.line)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(writes).toHaveBeenCalledTimes(0)
    await new Promise((resolve) => setTimeout(resolve, 700))
    expect(writes).toHaveBeenCalledTimes(1)
    expect(await onDisk()).toEqual({ offset: 500, line: 5 })
    // Twenty more chunks: about one write for two.
    for (const p of points.slice(5, 30)) await feed.add(p.lp, p.file, p.endOffset, p.line)
    for (let n = 0; n < 15; n++) for (const p of points.slice(5, 30)) await feed.add(p.lp, p.file, p.endOffset + 3000 * (n + 1), p.line)
    await feed.finish()
    expect(writes.mock.calls.length).toBeGreaterThan(1)
    expect(writes.mock.calls.length).toBeLessThanOrEqual(1 + Math.ceil(80 / 2) + 1)
    expect(await onDisk()).toEqual({ offset: 3000 * 15 + 3000, line: 30 })
  })
})
