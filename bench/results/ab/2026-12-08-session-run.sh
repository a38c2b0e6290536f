#!/bin/bash
# Alternating A/B of the exchange path over this session's changes: before = 9845551 (the session's
# start), after = main with keys in tokens (signing-unavailable handling on every signing step), the
# Idempotency-Key in the signed components, and the regulators and payments merged. One harness binary
# (main's) drives both builds; GET and POST at 64 connections, the SQLite-log pair, keys in files.
cd /work/main
for round in 1 2 3; do
  for build in before after; do
    dotnet bench/Naqil.LoadHarness/bin/Release/net10.0/naqil-load.dll --targets naqil --naqil-variant naqil \
      --skip open,sequential,soak,bodies,hostile,faults,trust,log,events,event-lag,event-faults,lookup,payments \
      --connections 64 --runs 1 --duration 8 --warmup 15 \
      --naqil /work/ab/$build/naqil --output /work/ab/out/$build-$round > /work/ab/out/$build-$round.log 2>&1
    echo "$build-$round exit $?"
  done
done
