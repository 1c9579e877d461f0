namespace Vsr.Train;

/// <summary><c>--name value</c> pairs and <c>--flag</c> switches, read by name.</summary>
public sealed class TrainOptions
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static TrainOptions Parse(IEnumerable<string> args)
    {
        var options = new TrainOptions();
        string? pending = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (pending is not null)
                {
                    options._values[pending] = "true";
                }

                pending = arg[2..];
            }
            else if (pending is not null)
            {
                options._values[pending] = arg;
                pending = null;
            }
            else
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }
        }

        if (pending is not null)
        {
            options._values[pending] = "true";
        }

        return options;
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public string Get(string name, string fallback) => _values.GetValueOrDefault(name) ?? fallback;

    public int Get(string name, int fallback) => _values.TryGetValue(name, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public double Get(string name, double fallback) => _values.TryGetValue(name, out var v) ? double.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public bool Has(string name) => _values.ContainsKey(name);
}
