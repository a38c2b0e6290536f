#!/bin/sh
# The event runs of 2026-12-07 (docs/performance.md, "Events beside the exchange"): the naqil CLI
# published in Release, the harness built in Release, three runs one after another, each the
# closed loop's GET and POST at 64 connections (1 run of 8 s) beside the three event phases, both
# variants (SQLite, and PostgreSQL run by the harness).
set -e
dotnet publish src/Naqil.Cli -c Release -o /tmp/naqil-pub-events
dotnet build -c Release bench/Naqil.LoadHarness
for i in 1 2 3; do
  dotnet bench/Naqil.LoadHarness/bin/Release/net10.0/naqil-load.dll --naqil /tmp/naqil-pub-events/naqil.dll \
    --targets naqil --skip open,sequential,soak,bodies,hostile,faults,trust,log --connections 64 --runs 1 \
    --output "/tmp/events-$i"
  cp "/tmp/events-$i/latest.md" "bench/results/events/2026-12-07-events-$i.md"
  cp "/tmp/events-$i/latest.json" "bench/results/events/2026-12-07-events-$i.json"
done
