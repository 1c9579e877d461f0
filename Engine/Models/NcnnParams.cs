using System.Globalization;

namespace Vsr.Engine.Models;

/// <summary>
/// The <c>id=value</c> parameters of one ncnn layer. Values stay text until asked for, because the
/// .param format only tells ints from floats by how they are written.
/// </summary>
public sealed class NcnnParams
{
    // ncnn writes an array parameter with id N under the key -(23300 + N): "-23301=3,1.0,2.0,3.0".
    private const int ArrayKeyBase = -23300;

    private readonly Dictionary<int, string> _scalars = [];
    private readonly Dictionary<int, string[]> _arrays = [];

    /// <summary>Every parameter id present, scalar or array.</summary>
    public IEnumerable<int> Ids => _scalars.Keys.Concat(_arrays.Keys);

    public int GetInt(int id, int fallback)
    {
        if (!_scalars.TryGetValue(id, out var text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"parameter {id}={text} is not an integer");
    }

    public float GetFloat(int id, float fallback)
    {
        if (!_scalars.TryGetValue(id, out var text))
        {
            return fallback;
        }

        return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"parameter {id}={text} is not a number");
    }

    public IReadOnlyList<float> GetArray(int id) =>
        _arrays.TryGetValue(id, out var items)
            ? items.Select(item => float.Parse(item, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray()
            : [];

    /// <summary>Parses the <c>k=v</c> tokens that end a layer line.</summary>
    public static NcnnParams Parse(IEnumerable<string> tokens)
    {
        var result = new NcnnParams();
        foreach (var token in tokens)
        {
            var eq = token.IndexOf('=');
            if (eq <= 0 || !int.TryParse(token.AsSpan(0, eq), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var key))
            {
                throw new FormatException($"'{token}' is not an id=value parameter");
            }

            var value = token[(eq + 1)..];
            if (key <= ArrayKeyBase)
            {
                var items = value.Split(',');
                if (!int.TryParse(items[0], CultureInfo.InvariantCulture, out var count) || count != items.Length - 1)
                {
                    throw new FormatException($"array parameter '{token}' does not start with its element count");
                }

                result._arrays[ArrayKeyBase - key] = items[1..];
            }
            else
            {
                result._scalars[key] = value;
            }
        }

        return result;
    }
}
