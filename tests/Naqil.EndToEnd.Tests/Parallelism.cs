// Each test here runs whole processes on fixed ranges of loopback ports chosen when it starts (the
// sandbox's 62, the load harness's own): run side by side, one could take a port another had just
// found free. One at a time, a free range stays free.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
