using System.Diagnostics;
using System.Text.Json;
using System.Collections.Concurrent;
using TorchSharp;
using Vsr.Train.Degradation;
using Vsr.Train.Network;
using static TorchSharp.torch;

namespace Vsr.Train.Training;

/// <summary>
/// L1 (or L2) + Adam training of a <see cref="CompactUpscaler"/> with checkpoints in <c>directory</c>: weights, optimizer
/// moments and progress are written every <c>CheckpointEvery</c> steps, and a run started on a directory that
/// holds a checkpoint resumes from it.
/// </summary>
public sealed class Trainer(TrainingSettings settings, BatchSampler sampler, string directory)
{
    private const string WeightsFile = "checkpoint.weights";
    private const string OptimizerFile = "checkpoint.adam";
    private const string StateFile = "checkpoint.json";

    public static CompactUpscaler LoadModel(NetworkShape shape, string directory)
    {
        var model = new CompactUpscaler(shape);
        model.load(Path.Combine(directory, WeightsFile));
        return model;
    }

    public static CheckpointState? ReadState(string directory)
    {
        var path = Path.Combine(directory, StateFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(path)) : null;
    }

    /// <returns>The trained model and the total wall time (across resumes).</returns>
    /// <remarks>Synchronous on purpose: every libtorch call stays on the calling thread.</remarks>
    /// <exception cref="NonFiniteLossException">The loss stopped being finite; the last checkpoint is intact.</exception>
    public (CompactUpscaler Model, CheckpointState State) Run(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        random.manual_seed(settings.Seed);
        set_num_threads(settings.Threads);
        var model = new CompactUpscaler(settings.Shape);
        var state = ReadState(directory) ?? new CheckpointState(0, 0, double.NaN);
        if (state.Step > 0)
        {
            model.load(Path.Combine(directory, WeightsFile));
        }
        else if (settings.InitFrom == "interpolation")
        {
            InterpolationStart.Apply(model);
            Console.Error.WriteLine($"{settings.Name} starts as a cubic interpolator");
        }
        else if (settings.InitFrom is not null)
        {
            model.load(settings.InitFrom);
            Console.Error.WriteLine($"initialised {settings.Name} from {settings.InitFrom}");
        }

        // Made after loading, so that it holds the parameters the model actually uses.
        using var optimizer = new AdamOptimizer(model.parameters());
        if (state.Step > 0)
        {
            if (File.Exists(Path.Combine(directory, OptimizerFile)))
            {
                optimizer.Load(Path.Combine(directory, OptimizerFile));
            }
            else
            {
                // Checkpoints written before AdamOptimizer hold TorchSharp's moments, which are not read back.
                Console.Error.WriteLine($"{settings.Name}: no {OptimizerFile} in the checkpoint; Adam's moments start from zero");
            }

            Console.Error.WriteLine($"resuming {settings.Name} at step {state.Step}");
        }

        // Batches are cut and degraded (ffmpeg included) on another thread while the previous step computes.
        using var batches = new BlockingCollection<TrainingBatch>(3);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() =>
        {
            for (var step = state.Step; step < settings.LastStep && !stop.IsCancellationRequested; step++)
            {
                batches.Add(sampler.Sample(step), stop.Token);
            }
        }, stop.Token);

        var clock = Stopwatch.StartNew();
        var window = Stopwatch.StartNew();
        var windowSteps = 0;
        var recent = new Queue<double>();
        var loss = state.RecentLoss;
        var trace = state.LossTrace?.ToList() ?? [];
        var (sinceCheckpoint, stepsSinceCheckpoint) = (0.0, 0);
        model.train();
        for (var step = state.Step; step < settings.LastStep; step++)
        {
            var batch = batches.Take(cancellationToken);
            if (batch.Inputs.Any(float.IsNaN) || batch.Targets.Any(float.IsNaN))
            {
                throw new InvalidDataException($"batch {step} holds NaN");
            }

            // A forward pass that comes out non-finite is run again before Adam sees it: the NaNs seen here struck at
            // random steps and did not repeat on the same batch, so one bad pass must not poison the weights.
            var value = float.NaN;
            for (var attempt = 0; attempt < 3 && !float.IsFinite(value); attempt++)
            {
                optimizer.ZeroGrad();
                value = Forward(model, batch);
                if (!float.IsFinite(value))
                {
                    Console.Error.WriteLine($"step {step}: non-finite loss on pass {attempt + 1}, running it again");
                }
            }

            if (!float.IsFinite(value))
            {
                stop.Cancel();
                throw new NonFiniteLossException($"the loss is {value} at step {step} three times; the last checkpoint is intact");
            }

            if (!optimizer.Step(settings.LearningRateAt(step)))
            {
                Console.Error.WriteLine($"step {step}: non-finite gradient with a finite loss ({value}); update skipped");
            }

            recent.Enqueue(value);
            if (recent.Count > 50)
            {
                recent.Dequeue();
            }

            loss = recent.Average();
            sinceCheckpoint += value;
            stepsSinceCheckpoint++;
            windowSteps++;
            var done = step + 1;
            if (done % 10 == 0 || done == settings.LastStep)
            {
                Console.Error.WriteLine(ProgressLine.Format(done, settings.Steps, windowSteps / window.Elapsed.TotalSeconds, loss, state.WallSeconds + clock.Elapsed.TotalSeconds));
                window.Restart();
                windowSteps = 0;
            }

            if (done % settings.CheckpointEvery == 0 || done == settings.LastStep)
            {
                // Resumes start at checkpoints, so the mean since the last one is the same in a resumed run.
                trace.Add(new LossPoint(done, sinceCheckpoint / stepsSinceCheckpoint));
                (sinceCheckpoint, stepsSinceCheckpoint) = (0.0, 0);
                Save(model, optimizer, new CheckpointState(done, state.WallSeconds + clock.Elapsed.TotalSeconds, loss, [.. trace]));
            }
        }

        stop.Cancel();
        try
        {
            producer.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // The producer was told to stop once the last step was taken.
        }

        var final = ReadState(directory) ?? new CheckpointState(settings.Steps, state.WallSeconds + clock.Elapsed.TotalSeconds, loss);
        return (model, final);
    }

    // Leaves the gradients in place; everything else is freed with the scope. Adam's moment tensors are created on
    // its first step, so the step itself runs outside any scope.
    private float Forward(CompactUpscaler model, TrainingBatch batch)
    {
        using var scope = NewDisposeScope();
        var inputs = Owned(batch.Inputs, [batch.Count, 3, batch.InputSize, batch.InputSize]);
        var targets = Owned(batch.Targets, [batch.Count, 3, batch.TargetSize, batch.TargetSize]);
        var output = model.forward(inputs);
        var loss = settings.Loss == "l2" ? nn.functional.mse_loss(output, targets) : nn.functional.l1_loss(output, targets);
        loss.backward();
        return loss.item<float>();
    }

    // libtorch allocates and owns the memory and the values are copied in: a tensor over a managed array saw
    // sporadic NaN losses here, as if the array had moved under it while the producer thread churned the heap.
    private static Tensor Owned(float[] values, long[] shape)
    {
        var result = empty(shape, ScalarType.Float32);
        result.data<float>().CopyFrom(values);
        return result;
    }

    // Written beside and renamed, so an interruption mid-save leaves the previous checkpoint intact.
    private void Save(CompactUpscaler model, AdamOptimizer optimizer, CheckpointState state)
    {
        var weights = Path.Combine(directory, WeightsFile);
        var moments = Path.Combine(directory, OptimizerFile);
        model.save(weights + ".tmp");
        optimizer.Save(moments + ".tmp");
        File.WriteAllText(Path.Combine(directory, StateFile + ".tmp"), JsonSerializer.Serialize(state));
        File.Move(weights + ".tmp", weights, overwrite: true);
        File.Move(moments + ".tmp", moments, overwrite: true);
        File.Move(Path.Combine(directory, StateFile + ".tmp"), Path.Combine(directory, StateFile), overwrite: true);
    }
}
