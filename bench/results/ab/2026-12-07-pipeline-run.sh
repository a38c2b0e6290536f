#!/bin/bash
# Alternating A/B of the exchange path: GET/POST c64, nginx pair and naqil in the same run.
cd /work/main
for round in 1 2 3; do
  for build in before after; do
    dotnet bench/Naqil.LoadHarness/bin/Release/net10.0/naqil-load.dll --targets nginx,naqil --naqil-variant naqil \
      --skip open,sequential,soak,bodies,hostile,faults,trust,log --connections 64 --runs 1 --duration 8 --warmup 15 \
      --naqil /work/ab/$build/naqil --output /work/ab/$build-$round.md > /work/ab/$build-$round.log 2>&1
    echo "$build-$round exit $?"
  done
done
