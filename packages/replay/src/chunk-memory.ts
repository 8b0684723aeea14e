/**
 * The memory a chunk is collected in: a resizable ArrayBuffer (ES2024; Node
 * 20's V8 has it, TypeScript's ES2022 lib does not name it). Pages it has used
 * stay with it when it shrinks, so memory taken again for chunk after chunk
 * costs no new page faults; and a chunk handed over in memory cut to exactly
 * its size goes to the server without a copy (the writer passes such a body
 * to the transport as its ArrayBuffer).
 */
export interface ChunkMemory extends ArrayBuffer {
  readonly maxByteLength: number
  resize(byteLength: number): void
}

const Resizable = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ChunkMemory

/** `bytes` of memory that can grow in place up to `reserve` bytes (address space only, until used). */
export function chunkMemory(bytes: number, reserve: number): ChunkMemory {
  return new Resizable(bytes, { maxByteLength: Math.max(bytes, reserve) })
}
