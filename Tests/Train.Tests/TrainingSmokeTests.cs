using System.Text.Json.Nodes;
using Vsr.Train.Data;

namespace Vsr.Train.Tests;

public sealed class TrainingSmokeTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("vsr-train-test-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task Training_a_few_steps_on_tiny_images_exports_a_model_that_onnx_runtime_runs()
    {
        var images = Directory.CreateDirectory(Path.Combine(_scratch, "images")).FullName;
        FfmpegPipe.Run(["-f", "lavfi", "-i", "testsrc2=size=96x96", "-frames:v", "1", Path.Combine(images, "a.png")]);
        FfmpegPipe.Run(["-f", "lavfi", "-i", "mandelbrot=size=96x96", "-frames:v", "1", Path.Combine(images, "b.png")]);
        var output = Path.Combine(_scratch, "model");

        // The restore recipe makes noise, JPEG and x264 likely within a few batches, so ffmpeg's paths run too.
        var exit = await TrainCommandLine.RunAsync(["train", "--name", "smoke", "--scale", "2", "--width", "8", "--depth", "1",
            "--steps", "4", "--batch", "4", "--patch", "16", "--recipe", "restore", "--checkpoint-every", "2",
            "--images", images, "--cache", Path.Combine(_scratch, "cache"), "--out", output]);

        Assert.Equal(0, exit);
        var (values, shape) = OrtRunner.Run(await File.ReadAllBytesAsync(Path.Combine(output, "model.onnx")), new float[3 * 10 * 12], 10, 12);
        Assert.Equal([1, 3, 20, 24], shape);
        Assert.All(values, v => Assert.True(float.IsFinite(v)));
        var card = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "card.json")))!;
        Assert.Equal(4, card["training"]!["stepsDone"]!.GetValue<long>());
        Assert.Equal(2, card["data"]!.AsArray().Count);
    }

    [Fact]
    public async Task Training_resumes_from_its_checkpoint()
    {
        var images = Directory.CreateDirectory(Path.Combine(_scratch, "images")).FullName;
        FfmpegPipe.Run(["-f", "lavfi", "-i", "testsrc2=size=64x64", "-frames:v", "1", Path.Combine(images, "a.png")]);
        string[] common = ["--name", "resume", "--scale", "1", "--width", "4", "--depth", "0", "--batch", "2", "--patch", "16",
            "--recipe", "none", "--checkpoint-every", "1", "--images", images, "--cache", Path.Combine(_scratch, "cache"), "--out", Path.Combine(_scratch, "out")];

        Assert.Equal(0, await TrainCommandLine.RunAsync(["train", "--steps", "2", .. common]));
        Assert.Equal(0, await TrainCommandLine.RunAsync(["train", "--steps", "3", .. common]));

        var card = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_scratch, "out", "card.json")))!;
        Assert.Equal(3, card["training"]!["stepsDone"]!.GetValue<long>());
    }

    [Fact]
    public async Task With_one_thread_a_rerun_and_a_resumed_run_export_the_same_bytes_as_the_first_run()
    {
        var images = Directory.CreateDirectory(Path.Combine(_scratch, "images")).FullName;
        FfmpegPipe.Run(["-f", "lavfi", "-i", "testsrc2=size=96x96", "-frames:v", "1", Path.Combine(images, "a.png")]);
        FfmpegPipe.Run(["-f", "lavfi", "-i", "mandelbrot=size=96x96", "-frames:v", "1", Path.Combine(images, "b.png")]);

        // Unshuffled x1 network and the restore recipe: noise, JPEG and x264 batches all take part.
        async Task<byte[]> Train(string run, params string[] extra)
        {
            var output = Path.Combine(_scratch, run);
            string[] args = ["train", "--name", "repeat", "--scale", "1", "--unshuffle", "2", "--width", "12", "--depth", "2",
                "--steps", "6", "--batch", "4", "--patch", "16", "--recipe", "restore", "--init", "interpolation", "--threads", "1",
                "--checkpoint-every", "1", "--images", images, "--cache", Path.Combine(_scratch, "cache-" + run), "--out", output, .. extra];
            Assert.Equal(0, await TrainCommandLine.RunAsync(args));
            return await File.ReadAllBytesAsync(Path.Combine(output, "model.onnx"));
        }

        Assert.Equal(Native.DeterministicKernels.Isa, Environment.GetEnvironmentVariable(Native.DeterministicKernels.Variable));
        var first = await Train("first");
        var again = await Train("again");
        await Train("resumed", "--stop-at", "3");
        var resumed = await Train("resumed");

        Assert.Equal(first, again);
        Assert.Equal(first, resumed);
        var firstCard = Path.Combine(_scratch, "first", "card.json");
        var card = JsonNode.Parse(await File.ReadAllTextAsync(firstCard))!;
        Assert.True(card["recipe"]!["deterministic"]!.GetValue<bool>());

        // The loss at every checkpoint is in the card, across the resume too, and a rerun can be checked against it.
        var trace = card["training"]!["lossTrace"]!.AsArray();
        Assert.Equal([1L, 2, 3, 4, 5, 6], trace.Select(p => p![0]!.GetValue<long>()));
        Assert.All(trace, p => Assert.True(double.IsFinite(p![1]!.GetValue<double>())));
        Assert.Equal(0, await TrainCommandLine.RunAsync(["compare-trace", firstCard, Path.Combine(_scratch, "resumed", "card.json")]));
        trace[4]![1] = trace[4]![1]!.GetValue<double>() * (1 + 1e-12);
        var altered = Path.Combine(_scratch, "altered.json");
        await File.WriteAllTextAsync(altered, card.ToJsonString());
        Assert.Equal(1, await TrainCommandLine.RunAsync(["compare-trace", firstCard, altered]));
    }
}
