"""The original Python TimeBin that station scripts use (eht_influx_client.timebin,
the same class as cocrawler/timebin.py in github.com/cocrawler/cocrawler),
re-expressed operation for operation, quirks included, as the baseline of
bench/timebin.mjs:

  - every point() divides, truncates with int() and multiplies to find its bin
    start, and checks that its time is not in the past;
  - `t0 == 0` means "no data yet" (so the bin that starts at 0 misbehaves);
  - int() truncates toward 0, so negative times give a negative fraction;
  - the whole bins of a gap are labelled by adding the width, with a 0.0001 s slack;
  - gettuples() takes an optional path and returns a new list each call.

Nothing is added to it or left out of it: it is neither slowed down nor sped up.

    python3 bench/timebin_reference.py POINTS_FILE WIDTH REPEATS WARMUP [TUPLES_FILE]

POINTS_FILE holds float64 (t, value) pairs in the machine's byte order. Each of
REPEATS timed runs feeds every point to a fresh TimeBin and calls gettuples()
after each one, like the seed loop (bench/timebin.mjs does the same on the node
side). The points are turned into Python floats a chunk at a time (a list of
(t, value) tuples: the cheapest thing for a Python loop to walk), and the timer
(wall clock and the process's CPU time) runs around the loop over each chunk
only, after a gc.collect(). Before the first timed run, the first WARMUP points
go through a throwaway TimeBin, untimed, as on the node side. With TUPLES_FILE,
one more (untimed) run writes every tuple there as float64 (start, value) pairs.
Prints one JSON line: the best wall and the best CPU seconds of the runs.
"""
import gc
import json
import sys
import time
from array import array

CHUNK_POINTS = 1_000_000


class TimeBin:
    """The original, step for step: the same arithmetic, comparisons and list
    operations per point, in the same order (names are ours)."""

    def __init__(self, width=1.0):
        self.width = width
        self.bin_start = 0.   # 0 stands for "no point yet"
        self.covered = 0.     # seconds of the open bin covered so far
        self.value = 0
        self.tuples = []

    def point(self, t, value):
        start = int(t / self.width) * self.width  # int() truncates toward 0
        into = t - start

        if t < self.bin_start + self.covered:
            raise ValueError('time t is in the past')

        if self.bin_start == 0:  # the first point counts from its bin's start
            self.bin_start = start
            self.covered = 0.

        if start == self.bin_start:  # the same bin: add what held since the last point
            self.value += value * ((into - self.covered) / self.width)
            self.covered = into
        elif start > self.bin_start:  # a later bin
            # the new value covers the rest of the open bin, which is finished
            self.value += value * ((self.width - self.covered) / self.width)
            self.tuples.append((self.bin_start, self.value))
            # whole bins in between hold the new value; their starts are found by adding
            while self.bin_start + self.width + 0.0001 < start:
                self.bin_start += self.width
                self.tuples.append((self.bin_start, value))
            # t opens its own bin
            self.bin_start = start
            self.covered = into
            self.value = value * (into / self.width)

    def gettuples(self, path=None):
        tuples = self.tuples
        self.tuples = []
        if path:
            return [(path, t) for t in tuples]
        return tuples


def chunks(flat):
    """The points as lists of (t, value) tuples of Python floats, CHUNK_POINTS at a time."""
    step = 2 * CHUNK_POINTS
    for at in range(0, len(flat), step):
        part = flat[at:at + step]
        yield list(zip(part[0::2].tolist(), part[1::2].tolist()))


def seed_loop(tb, pairs):
    """The seed's loop over pre-made points: a point, then its tuples; returns how many tuples."""
    n = 0
    for t, value in pairs:
        tb.point(t, value)
        n += len(tb.gettuples())
    return n


def timed_run(flat, width):
    """One run over every point, getting the tuples after each; returns (wall, cpu, tuples)."""
    tb = TimeBin(width)
    n = 0
    wall = cpu = 0.
    for pairs in chunks(flat):
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        n += seed_loop(tb, pairs)
        cpu += time.process_time() - cpu_started
        wall += time.perf_counter() - started
        del pairs
    return wall, cpu, n


def main():
    points_file, width, repeats, warmup = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    flat = array('d')
    with open(points_file, 'rb') as f:
        flat.frombytes(f.read())

    for pairs in chunks(flat[:2 * warmup]):
        seed_loop(TimeBin(width), pairs)

    best = cpu_best = float('inf')
    tuples = 0
    for _ in range(repeats):
        wall, cpu, tuples = timed_run(flat, width)
        best, cpu_best = min(best, wall), min(cpu_best, cpu)

    if len(sys.argv) > 5:
        tb = TimeBin(width)
        out = array('d')
        for pairs in chunks(flat):
            for t, value in pairs:
                tb.point(t, value)
            for start, value in tb.gettuples():
                out.append(start)
                out.append(value)
        with open(sys.argv[5], 'wb') as f:
            out.tofile(f)

    print(json.dumps({'points': len(flat) // 2, 'seconds': best, 'cpuSeconds': cpu_best, 'tuples': tuples}))


if __name__ == '__main__':
    main()
