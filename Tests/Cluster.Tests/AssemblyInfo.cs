// Every test here runs real models and ffmpeg on a 2-core machine; running them one at a time keeps timings sane.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
