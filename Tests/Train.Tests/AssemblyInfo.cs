// libtorch and ffmpeg share two cores in CI; the tests run one at a time so each stays well under a minute.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
