using Vsr.Train;

return await TrainCommandLine.RunAsync(args);
