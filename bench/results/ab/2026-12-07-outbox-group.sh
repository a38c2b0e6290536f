#!/bin/sh
cd /work/main
for i in 1 2; do
  for v in before after; do
    dotnet bench/Naqil.LoadHarness/bin/Release/net10.0/naqil-load.dll --naqil /tmp/ab-$v/naqil.dll \
      --targets naqil --naqil-variant naqil --skip open,sequential,soak,bodies,hostile,faults,trust,log,event-faults \
      --connections 64 --runs 1 --duration 8 --warmup 10 --output /tmp/abev-$v-$i > /tmp/abev-$v-$i.log 2>&1
    echo "$v $i done $(date +%T)"
  done
done
