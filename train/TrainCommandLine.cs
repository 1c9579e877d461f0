using System.Text.Json;
using System.Text.Json.Nodes;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;
using Vsr.Train.Data;
using Vsr.Train.Degradation;
using Vsr.Train.Native;
using Vsr.Train.Training;

namespace Vsr.Train;

/// <summary>The tool's commands; see <see cref="Usage"/>.</summary>
public static class TrainCommandLine
{
    public const string Usage = """
        usage: Vsr.Train <command> [options]
          check                      repair libtorch if needed and prove it loads
          heldout-hashes [--out F]   fetch the evaluation packages and write their file and frame hashes
          train --name N --scale S [--width 32 --depth 8 --unshuffle 1|2|4 --steps 2000 --batch 16 --patch 48 --lr 5e-4
                --seed 1234 --recipe upscale|restore|denoise|deblock|deblock-sd|deblock-grid|deblock-x264|deblock-spp|deblock-precoded|none --images DIR --init WEIGHTS|interpolation --checkpoint-every 100 --stop-at STEP --threads 1 --loss l1|l2]
                [--out models/N] [--cache .vsr/train]
                trains (resuming from the checkpoint in CACHE/runs/N), then writes OUT/model.onnx and OUT/card.json
          eval [--quick] [--only x2,x4,denoise,crf40] [--report docs/quality.md] [--images docs/quality] [--models models] [--cache .vsr/train] [--tile 256|0]
                scores bicubic, lanczos, the anime model and ours on the held-out clips; writes the report and PNGs
                (a full run also copies the figures into models/NAME/card.json)
          compare-trace A/card.json B/card.json
                compares two cards' loss traces at the checkpoints both reached (exit 1 if any differs)
          validate --name N [the run's --scale --width --depth --unshuffle --patch --batch --recipe] [--seed S --validation-seed V --batches 8]
                scores the checkpoint in CACHE/runs/N on freshly drawn batches of its recipe (seed V, default the run's
                seed S + 1): PSNR-Y over all patches of the network's output and of its input
          export-luma [--recipe deblock-x264 --seed 1234 --clips 100 --frame-step 2 --out .vsr/export]
                writes the recipe's x264 clips and, separately, the evaluation's held-out crf-40 frames as BT.601 luma
                planes for a trainer outside this tool (docs/deblock-experiments.md); the held-out frames are for scoring
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        if (args is ["compare-trace", var first, var second])
        {
            return CompareTraces(first, second);
        }

        var options = TrainOptions.Parse(args.Skip(1));
        var cache = Path.GetFullPath(options.Get("cache", ".vsr/train"));
        switch (args[0])
        {
            case "check":
                Console.WriteLine(LibTorchCheck.Run());
                return 0;
            case "heldout-hashes":
                var target = options.Get("out", "train/heldout-hashes.txt");
                await File.WriteAllLinesAsync(target, ["# sha256 kind source: held-out evaluation data (files, and decoded RGB24 frames); written by Vsr.Train heldout-hashes", .. HeldOutData.ComputeHashLines(cache)]);
                Console.WriteLine($"wrote {target}");
                return 0;
            case "eval":
                Evaluate(options, cache, "./eval.sh" + (options.Has("quick") ? " --quick" : string.Empty) + (options.Get("only") is { } subset ? $" --only {subset}" : string.Empty));
                return 0;
            case "train":
                await TrainAsync(options, cache, string.Join(' ', args));
                return 0;
            case "validate":
                Validate(options, cache);
                return 0;
            case "export-luma":
                Evaluation.LumaExport.Run(LoadTrainingSet(options, cache), cache, options.Get("recipe", "deblock-x264"), options.Get("seed", 1234),
                    options.Get("clips", 100), options.Get("frame-step", 2), options.Get("out", ".vsr/export"));
                return 0;
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }

    // A non-finite loss has struck at random steps (not reproducible from the same seed and checkpoint), so the run
    // goes back to its last checkpoint and carries on; every restart is logged and the cards count them.
    private static (Network.CompactUpscaler Model, CheckpointState State) TrainWithRestarts(TrainingSettings settings, BatchSampler sampler, string runDirectory)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return new Trainer(settings, sampler, runDirectory).Run(CancellationToken.None);
            }
            catch (NonFiniteLossException e) when (attempt < 50)
            {
                Console.Error.WriteLine($"restart {attempt}: {e.Message}");
                File.AppendAllText(Path.Combine(runDirectory, "restarts.log"), $"{DateTime.UtcNow:O} {e.Message}\n");
            }
            catch (System.Runtime.InteropServices.ExternalException e) when (attempt < 50)
            {
                // libtorch has failed a check on a finite scalar once here (addcdiv_, step 2,140 of real-x4) under heavy
                // load; like the stray NaNs it did not repeat, so the run goes on from its last checkpoint.
                var first = e.Message.Split('\n')[0];
                Console.Error.WriteLine($"restart {attempt} after a libtorch error: {first}");
                File.AppendAllText(Path.Combine(runDirectory, "restarts.log"), $"{DateTime.UtcNow:O} libtorch: {first}\n");
            }
        }
    }

    private static void Evaluate(TrainOptions options, string cache, string command)
    {
        var quick = options.Has("quick");
        var report = options.Get("report", quick ? ".vsr/eval/quality-quick.md" : "docs/quality.md");
        var images = options.Get("images", Path.Combine(Path.GetDirectoryName(report)!, quick ? "quality-quick" : "quality"));
        var models = Path.GetFullPath(options.Get("models", "models"));
        var catalog = new ModelCatalog(new ModelCatalogOptions { Directory = options.Get("anime-models", ".vsr/models"), BundledDirectory = models });
        var only = options.Get("only")?.Split(',').ToHashSet();
        // --tile 0 runs the models on whole frames; without it they run as the engine runs them on the CPU.
        var inference = new InferenceOptions();
        inference.TileSize = options.Get("tile", inference.TileSize);
        var evaluation = new Evaluation.QualityEvaluation(cache, catalog, quick, images, only, inference);
        var results = evaluation.Run();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(report))!);
        File.WriteAllText(report, Evaluation.QualityReport.Render(results, evaluation.Notes, command, quick, images, evaluation.Content));
        // A card's figures come from a full run only: a subset (--only) would replace them with part of them.
        if (!quick && only is null)
        {
            Evaluation.ModelCardEvaluation.Update(models, results, command);
        }

        foreach (var goal in Evaluation.QualityReport.Goals(results))
        {
            Console.WriteLine(goal);
        }

        Console.WriteLine($"wrote {report} and {images}/");
    }

    // The check behind `train/models.sh --check`: a partial rerun matches the committed run at every shared checkpoint.
    private static int CompareTraces(string first, string second)
    {
        static Dictionary<long, double> Read(string path) =>
            (JsonNode.Parse(File.ReadAllText(path))!["training"]?["lossTrace"]?.AsArray()
                ?? throw new InvalidDataException($"{path} has no training.lossTrace"))
            .ToDictionary(p => p![0]!.GetValue<long>(), p => p![1]!.GetValue<double>());

        Dictionary<long, double> a, b;
        try
        {
            (a, b) = (Read(first), Read(second));
        }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine($"{e.Message} (older cards have none: retrain the model to get one)");
            return 2;
        }

        var shared = a.Keys.Intersect(b.Keys).Order().ToList();
        var differing = shared.Where(step => a[step] != b[step]).ToList();
        foreach (var step in differing)
        {
            Console.WriteLine($"step {step}: {a[step]:R} vs {b[step]:R}");
        }

        Console.WriteLine(shared.Count == 0
            ? "no checkpoint in common"
            : $"{shared.Count - differing.Count} of {shared.Count} shared checkpoints (steps {shared[0]}–{shared[^1]}) have the same loss");
        return shared.Count > 0 && differing.Count == 0 ? 0 : 1;
    }

    private static void Validate(TrainOptions options, string cache)
    {
        var settings = TrainingSettings.From(options);
        var data = LoadTrainingSet(options, cache);
        LibTorchRepair.Apply();
        var sampler = new BatchSampler(data, settings.Shape.Scale, settings.PatchSize, settings.BatchSize, DegradationRecipe.Named(settings.Recipe),
            options.Get("validation-seed", settings.Seed + 1));
        using var model = Trainer.LoadModel(settings.Shape, Path.Combine(cache, "runs", settings.Name));
        var result = HeldInValidation.Run(model, sampler, options.Get("batches", 8), settings.Threads);
        Console.WriteLine($"{settings.Name} ({settings.Recipe}, {result.Patches} patches): input {result.InputPsnrY:F2} dB PSNR-Y, model {result.ModelPsnrY:F2} ({result.Gain:+0.00;-0.00})");
    }

    // --images DIR, or the photographs from the Debian packages; held-out data is refused either way.
    private static TrainingSet LoadTrainingSet(TrainOptions options, string cache)
    {
        var guard = HeldOutGuard.Load(options.Get("heldout"));
        return options.Get("images") is { } images ? TrainingSet.FromDirectory(images, cache, guard) : TrainingSet.FromPackages(cache, guard);
    }

    private static async Task TrainAsync(TrainOptions options, string cache, string command)
    {
        var settings = TrainingSettings.From(options);
        var data = LoadTrainingSet(options, cache);
        Console.Error.WriteLine($"{settings.Name}: {settings.Shape}, {data.Images.Count} photos, {settings.Steps} steps of {settings.BatchSize}x{settings.PatchSize}px");
        LibTorchRepair.Apply();
        var sampler = new BatchSampler(data, settings.Shape.Scale, settings.PatchSize, settings.BatchSize, DegradationRecipe.Named(settings.Recipe), settings.Seed);
        var runDirectory = Path.Combine(cache, "runs", settings.Name);
        var (model, state) = TrainWithRestarts(settings, sampler, runDirectory);
        var output = options.Get("out", Path.Combine("models", settings.Name));
        Directory.CreateDirectory(output);
        var onnx = SrvggOnnxBuilder.Build(model.ToWeights(), settings.Name);
        await File.WriteAllBytesAsync(Path.Combine(output, "model.onnx"), onnx);
        var card = ModelCard.Create(settings, state, data, command, HeldOutGuard.FileHash(onnx));
        ModelCard.Write(Path.Combine(output, "card.json"), card);
        Console.WriteLine($"wrote {output}/model.onnx ({onnx.Length} bytes) and card.json after {state.Step} steps, {state.WallSeconds:F0} s");
    }
}
