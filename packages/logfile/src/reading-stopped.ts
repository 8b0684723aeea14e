/**
 * Thrown by a line decoder when a file must not be read past this line (it
 * is no bad line to skip: what follows would be read wrong). Reading the file
 * ends there, reported as a bad line `reading stopped: <message>` at `line`,
 * as broken data is; the points before it are read.
 */
export class ReadingStopped extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message)
    this.name = 'ReadingStopped'
  }
}
