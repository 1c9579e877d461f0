using Vsr.Train.Native;

namespace Vsr.Train;

/// <summary>The tool's commands; see <see cref="Usage"/>.</summary>
public static class TrainCommandLine
{
    public const string Usage = """
        usage: Vsr.Train <command> [options]
          check                         repair libtorch if needed and prove it loads
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var options = TrainOptions.Parse(args.Skip(1));
        switch (args[0])
        {
            case "check":
                Console.WriteLine(LibTorchCheck.Run());
                return 0;
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
}
