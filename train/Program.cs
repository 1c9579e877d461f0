using Vsr.Train;
using Vsr.Train.Native;

return await DeterministicKernels.RestartCappedAsync(args) ?? await TrainCommandLine.RunAsync(args);
