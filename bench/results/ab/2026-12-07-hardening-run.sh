#!/bin/bash
# Alternating A/B for issue 17's exchange-path changes: the pipeline build (after) against this one (after17).
cd /work/main
for round in 1 2 3; do
  for build in after after17; do
    dotnet bench/Naqil.LoadHarness/bin/Release/net10.0/naqil-load.dll --targets nginx,naqil --naqil-variant naqil \
      --skip open,sequential,soak,bodies,hostile,faults,trust,log --connections 64 --runs 1 --duration 8 --warmup 15 \
      --naqil /work/ab/$build/naqil --output /work/ab/r17-$build-$round.md > /work/ab/r17-$build-$round.log 2>&1
    echo "$build-$round exit $?"
  done
done
