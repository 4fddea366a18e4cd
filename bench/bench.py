#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmark: load + analysis (and optionally DevTools' own code, side by side) on big snapshots.

Runs `heapscope-cli summary FILE --json --top 0 --timings` several times, each in a fresh process
with the file in the page cache, and prints the median of every stage and of peak memory.

  bench/bench.py [--runs 5] [--cli build/app/cli/heapscope-cli] [--oracle DIR] FILE...
  bench/bench.py --diff BASE FILE      (the Comparison: both load and analyse, then compare)
  bench/bench.py --against OTHER_CLI FILE   (A/B: OTHER_CLI and --cli in alternating runs)

--against suits a machine whose speed drifts: both builds see the same conditions, and every
analysis pass is compared as well as the stages.

--oracle DIR runs DevTools' worker code (the oracle's summary.mjs --no-filters) once per file
under /usr/bin/time for comparison.
"""
import argparse, json, os, statistics, subprocess, sys, time

def warm(path):
    with open(path, 'rb') as f:
        while f.read(1 << 24):
            pass

def run_ours(cli, args):
    out = subprocess.run([cli] + args, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f'heapscope-cli failed: {out.stderr}')
    return json.loads(out.stdout)['timings']

def run_oracle(oracle_dir, path):
    cmd = ['/usr/bin/time', '-v', 'node', '--max-old-space-size=16000', os.path.join(oracle_dir, 'summary.mjs'),
           '--no-filters', '--samples', '0', path]
    t0 = time.monotonic()
    out = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.monotonic() - t0
    rss = 0
    for line in out.stderr.splitlines():
        if 'Maximum resident set size' in line:
            rss = int(line.split()[-1]) * 1024
    return wall, rss, out.returncode

def mb(b):
    return f'{b / 1e6:,.0f} MB'

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--runs', type=int, default=5)
    p.add_argument('--cli', default=os.path.join(os.path.dirname(__file__), '..', 'build', 'app', 'cli', 'heapscope-cli'))
    p.add_argument('--oracle')
    p.add_argument('--diff', action='store_true')
    p.add_argument('--against', metavar='OTHER_CLI')
    p.add_argument('files', nargs='+')
    a = p.parse_args()
    if a.against:
        for f in a.files:
            warm(f)
            args = ['summary', f, '--json', '--top', '0', '--timings']
            runs = {'A': [], 'B': []}
            for _ in range(a.runs):
                runs['A'].append(run_ours(a.against, args))
                runs['B'].append(run_ours(a.cli, args))
            print(f'{os.path.basename(f)}: A = {a.against}, B = {a.cli}, medians of {a.runs} alternating runs')
            keys = ['scan', 'parse', 'index', 'load', 'analysis', 'total']
            passes = sorted({k for r in runs['A'] + runs['B'] for k in r.get('analysis_passes', {})})
            for key in keys + passes:
                med = {}
                for side in 'AB':
                    vals = [r.get(key, r.get('analysis_passes', {}).get(key)) for r in runs[side]]
                    vals = [v for v in vals if isinstance(v, (int, float)) and not isinstance(v, bool)]
                    med[side] = statistics.median(vals) if vals else None
                cells = ''.join(f'{med[x]:10.3f}' if med[x] is not None else f'{"-":>10s}' for x in 'AB')
                print(f'  {key:30s}{cells} s')
        return
    if a.diff:
        for f in a.files:
            warm(f)
        runs = [run_ours(a.cli, ['diff', a.files[0], a.files[1], '--json', '--top', '0', '--timings']) for _ in range(a.runs)]
        print(f'diff {os.path.basename(a.files[0])} -> {os.path.basename(a.files[1])}, median of {a.runs} runs')
        for key in ['load_and_analysis', 'comparison', 'total']:
            print(f'  {key:20s} {statistics.median(r[key] for r in runs):8.3f} s')
        print(f'  {"peak RSS":20s} {mb(statistics.median(r["peak_rss_bytes"] for r in runs)):>10s}')
        return
    for f in a.files:
        size = os.path.getsize(f)
        warm(f)
        runs = [run_ours(a.cli, ['summary', f, '--json', '--top', '0', '--timings']) for _ in range(a.runs)]
        print(f'{os.path.basename(f)} ({mb(size)}), median of {a.runs} runs')
        for key in ['scan', 'parse', 'index', 'load', 'analysis', 'total']:
            vals = [r[key] for r in runs if key in r]
            print(f'  {key:10s} {statistics.median(vals):8.3f} s   (min {min(vals):.3f}, max {max(vals):.3f})')
        peak = statistics.median(r['peak_rss_bytes'] for r in runs)
        print(f'  {"peak RSS":10s} {mb(peak):>10s}   ({peak / size:.2f}x the file)')
        if a.oracle:
            wall, rss, rc = run_oracle(a.oracle, f)
            print(f'  DevTools (oracle): {wall:.1f} s, peak RSS {mb(rss)}' + ('' if rc == 0 else f' (exit {rc})'))
            print(f'  speed-up: {wall / statistics.median(r["total"] for r in runs):.0f}x')

if __name__ == '__main__':
    main()
