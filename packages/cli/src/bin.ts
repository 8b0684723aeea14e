#!/usr/bin/env node
// The `eht-influx-client` command. Kept tiny: each command's module is loaded
// only when that command runs (see command-index.ts).
import { main } from './main.js'
import { survivingClosedStderr } from './output.js'
import { exitProcess, standardTerminals } from './signal-exit.js'
import { stdoutFlushed } from './stdout-flushed.js'

const terminals = standardTerminals()
// main() removes its listener when it returns (for a library calling it); the command keeps one to its end.
survivingClosedStderr(process.stderr)
const code = await main(process.argv.slice(2))
// Exit explicitly so that nothing left open (a socket, a pipe) can keep a cron job hanging,
// once stdout has gone out (or its reader went away, `| head`). After a stop by SIGHUP
// (the terminal closed) the process ends by SIGHUP again (see exitProcess()).
await stdoutFlushed(process.stdout)
exitProcess(code, terminals)
