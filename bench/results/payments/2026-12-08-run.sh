#!/bin/sh
# The payment phase alone (no wrk or nginx on this machine): both Naqil variants, the ledger on the harness's PostgreSQL.
dotnet build -c Release src/Naqil.Cli && dotnet build -c Release bench/Naqil.LoadHarness
dotnet bench/Naqil.LoadHarness/bin/Release/net10.0/naqil-load.dll --quick --duration 8 --targets naqil \
  --skip warmup,closed,soak,open,sequential,bodies,hostile,faults,trust,log,events,event-lag,event-faults --output bench/results/payments
