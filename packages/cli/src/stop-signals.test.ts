// SIGTERM (kill, systemd, docker stop) and SIGHUP (the terminal or ssh session
// closed) stop a long command as Ctrl-C does: what was read is logged and sent
// once or spooled, the summary is printed, and the exit code is 128 + the
// signal's number (143, 129). They used to kill `write` at once: the points
// read were only in the logfile, neither sent nor spooled, and nothing said so.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { freePort } from '@eht-influx-client/test-support'
import { afterAll, describe, expect, it } from 'vitest'
import { BIN, cleanEnv, parseJsonOutput, removeTempDirs, runCli } from '../test/run-cli.js'
import { logfileLines, station, stationPoints } from '../test/station-config.js'

afterAll(removeTempDirs)

/** Every line of every spool file of `server`. */
function spooled(spoolDir: string, server: string): string[] {
  const dir = path.join(spoolDir, server)
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .filter((name) => /\.lp(\.gz)?$/.test(name))
    .flatMap((name) => fs.readFileSync(path.join(dir, name), 'utf8').split('\n'))
    .filter((line) => line !== '')
}

/**
 * `write --json` reading a pipe that stays open, with both servers down (connection refused, the retry
 * waiting for its delay): once the 3 points are logged and tried, it gets `signal`.
 */
async function writeThenSignal(signal: NodeJS.Signals) {
  const s = station([
    { name: 'local', url: `http://127.0.0.1:${await freePort()}`, api: 'v1' },
    { name: 'cloud', url: `http://127.0.0.1:${await freePort()}`, api: 'v2' },
  ], '[retry]\nmax_retries = 5\nmin_delay = 5s\nmax_retry_time = 1m\n')
  const child = spawn(process.execPath, [BIN, 'write', '--json'], { cwd: s.dir, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (code, signal) => resolve([code, signal])))
  child.stdin.write(stationPoints(3, 'stop_signal'))
  await expect.poll(() => logfileLines(s.logDir), { timeout: 10_000 }).toHaveLength(3)
  // Both servers were tried and refused: their retries wait 5 s.
  await expect.poll(() => (stderr.match(/retry 1 in/g) ?? []).length, { timeout: 10_000 }).toBe(2)
  child.kill(signal)
  const [code, killedBy] = await closed
  child.stdin.destroy()
  return { s, code, signal: killedBy, stdout, stderr }
}

describe('SIGTERM and SIGHUP stop write cleanly, as Ctrl-C does', () => {
  it.each([
    ['SIGTERM', 143, 'terminated (SIGTERM)'],
    ['SIGHUP', 129, 'hung up (SIGHUP)'],
  ] as const)('%s: the points read are spooled for each server, the summary is printed, exit %i', async (name, exitCode, said) => {
    const { s, code, signal, stdout, stderr } = await writeThenSignal(name)
    // After a SIGHUP stop the process ends by SIGHUP again (a shell reports 129); see the terminal test below.
    expect([code, signal], stderr).toEqual(name === 'SIGHUP' ? [null, 'SIGHUP'] : [exitCode, null])
    expect(logfileLines(s.logDir)).toHaveLength(3)
    expect(spooled(s.spoolDir, 'local')).toHaveLength(3)
    expect(spooled(s.spoolDir, 'cloud')).toHaveLength(3)
    expect(stderr).toContain(`${said}: stopping cleanly`)
    expect(stderr).toMatch(/^write: 3 points from stdin .*server local: 0 delivered, 3 spooled .*server cloud: 0 delivered, 3 spooled/m)
    expect(stderr).toContain(`error: ${said}: the points read before it are in the logfile and were sent (or spooled)`)
    expect(JSON.parse(stdout)).toMatchObject({ command: 'write', ok: false, exitCode, interrupted: true, points: 3, servers: { local: { spooled: 3 }, cloud: { spooled: 3 } } })
  }, 30_000)

})

describe('a stop signal while write finishes (the servers closing)', () => {
  // It was announced ("stopping cleanly") and then not reported: exit 1, "interrupted": false, as if it never came.
  it('is reported: exit 143, interrupted in --json, a line saying nothing was cut short', async () => {
    // A server that takes the request and never answers (a fault no real server makes on demand): close() waits out the timeout.
    let requested!: () => void
    const request = new Promise<void>((resolve) => (requested = resolve))
    const sockets = new Set<net.Socket>()
    const silent = net.createServer((socket) => {
      sockets.add(socket)
      socket.on('data', () => requested()).on('error', () => undefined)
    })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    try {
      const port = (silent.address() as net.AddressInfo).port
      const s = station([{ name: 'local', url: `http://127.0.0.1:${port}`, api: 'v1', extra: 'timeout = 3s\n' }], '[retry]\nmax_retries = 0\n')
      const run = await runCli(['write', '--json'], {
        cwd: s.dir,
        input: stationPoints(1, 'late_signal'),
        onSpawn: (child) => void request.then(() => child.kill('SIGTERM')),
      })
      expect([run.code, run.signal], run.stderr).toEqual([143, null])
      expect(run.stderr).toContain('terminated (SIGTERM): stopping cleanly')
      expect(run.stderr).toContain('SIGTERM came as the command was finishing: nothing was cut short')
      expect(parseJsonOutput(run)).toMatchObject({ command: 'write', ok: false, exitCode: 143, interrupted: true, points: 1, servers: { local: { spooled: 1 } } })
      expect(spooled(s.spoolDir, 'local')).toHaveLength(1)
    } finally {
      for (const socket of sockets) socket.destroy()
      silent.close()
    }
  }, 30_000)
})

const python = spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0

/**
 * Runs `write --json` with stderr on a terminal (a pty; stdin a pipe kept open, stdout a file), writes one
 * line, waits until it is logged, then closes the terminal as a closed window or ssh session does.
 */
const ON_A_TERMINAL = `
import json, os, pty, sys, time
node, bin, cwd, out, logdir = sys.argv[1:6]
r, w = os.pipe()
pid, fd = pty.fork()
if pid == 0:
    os.chdir(cwd)
    os.dup2(r, 0)
    os.dup2(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 1)
    os.execv(node, [node, bin, 'write', '--json'])
os.close(r)
os.set_blocking(fd, False)
os.write(w, b'weather,station=Kp temperature_c=-3.5\\n')
deadline = time.time() + 20
def logged():
    return os.path.isdir(logdir) and any(open(os.path.join(logdir, n)).read().strip() for n in os.listdir(logdir))
while not logged() and time.time() < deadline:
    try:
        os.read(fd, 4096)
    except OSError:
        pass
    time.sleep(0.05)
os.close(fd)
_, status = os.waitpid(pid, 0)
os.close(w)
print(json.dumps({'logged': logged(), 'signal': os.WTERMSIG(status) if os.WIFSIGNALED(status) else None, 'exit': os.WEXITSTATUS(status) if os.WIFEXITED(status) else None}))
`

describe('a terminal closed under write (SIGHUP)', () => {
  // Node 20 aborted (an assertion in ResetStdio: SIGABRT or SIGSEGV) when it exited with process.exit(129) after
  // the clean stop: it restores the terminal's settings on exit, and the terminal was gone.
  it.skipIf(!python)('stops cleanly (the point read is logged, --json says 129, interrupted) and ends by SIGHUP, not by a crash', () => {
    const s = station([])
    const out = path.join(s.dir, 'stdout.json')
    const run = spawnSync('python3', ['-c', ON_A_TERMINAL, process.execPath, BIN, s.dir, out, s.logDir], { env: cleanEnv(), encoding: 'utf8', timeout: 40_000 })
    expect(run.status, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({ logged: true, signal: 1, exit: null })
    expect(logfileLines(s.logDir)).toHaveLength(1)
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toMatchObject({ command: 'write', exitCode: 129, interrupted: true, points: 1 })
  }, 60_000)
})

const setsid = spawnSync('setsid', ['--version'], { stdio: 'ignore' }).status === 0

/**
 * Runs `write --json --file <fifo>` in a session of its own (`setsid -w`, as `setsid`, `disown` or `( ... & )`
 * leave a command when its terminal closes) with stderr on a terminal that is then closed: no SIGHUP comes.
 * Then one line and the end of the input reach the fifo, and the command ends by itself.
 */
const LEFT_BY_ITS_TERMINAL = `
import os, pty, sys, time
node, bin, cwd, fifo, out = sys.argv[1:6]
rc = os.path.join(cwd, 'rc')
pid, fd = pty.fork()
if pid == 0:
    os.chdir(cwd)
    os.execvp('bash', ['bash', '-c', 'trap "" HUP; setsid -w "$0" "$1" write --json --format lp --file "$2" > "$3"; echo $? > rc', node, bin, fifo, out])
time.sleep(1.5)
os.close(fd)
time.sleep(0.5)
deadline = time.time() + 20
w = None
while w is None and time.time() < deadline:
    try:
        w = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        time.sleep(0.1)
if w is not None:
    os.set_blocking(w, True)
    os.write(w, b'weather,station=Kp temperature_c=-3.5\\n')
    os.close(w)
while time.time() < deadline and not (os.path.exists(rc) and open(rc).read().strip()):
    time.sleep(0.1)
print(open(rc).read().strip() if os.path.exists(rc) else 'none')
`

describe('a command whose terminal closed without a SIGHUP (setsid, disown)', () => {
  // Node 20 aborted at its exit (restoring the closed terminal's settings: SIGSEGV, exit status 139) even when the
  // command ended normally; the gone terminal's descriptors are now closed before the exit.
  it.skipIf(!python || !setsid)('ends with its own exit code (0), the point logged', () => {
    const s = station([])
    const fifo = path.join(s.dir, 'input.fifo')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    const out = path.join(s.dir, 'stdout.json')
    const run = spawnSync('python3', ['-c', LEFT_BY_ITS_TERMINAL, process.execPath, BIN, s.dir, fifo, out], { env: cleanEnv(), encoding: 'utf8', timeout: 40_000 })
    expect(run.stdout.trim(), run.stderr).toBe('0')
    expect(logfileLines(s.logDir)).toHaveLength(1)
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toMatchObject({ command: 'write', exitCode: 0, points: 1 })
  }, 60_000)
})
