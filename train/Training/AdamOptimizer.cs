using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vsr.Train.Training;

/// <summary>
/// Adam (β1 0.9, β2 0.999, ε 1e-8) with moment tensors this class owns outright, saved and loaded as plain floats.
/// TorchSharp's own Adam, driven from inside dispose scopes, turned every weight into NaN at random steps, as if its
/// moments had been freed; keeping them here, out of every scope, leaves nothing to chance.
/// </summary>
public sealed class AdamOptimizer : IDisposable
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    private readonly Parameter[] _parameters;
    private readonly Tensor[] _first;
    private readonly Tensor[] _second;
    private long _steps;

    public AdamOptimizer(IEnumerable<Parameter> parameters)
    {
        _parameters = parameters.ToArray();
        using (no_grad())
        {
            _first = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
            _second = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        }
    }

    public void ZeroGrad()
    {
        using var scope = NewDisposeScope();
        foreach (var parameter in _parameters)
        {
            parameter.grad?.zero_();
        }
    }

    /// <returns>False, and nothing changed, when a gradient holds NaN or infinity.</returns>
    public bool Step(double learningRate)
    {
        using (NewDisposeScope())
        {
            if (_parameters.Any(p => p.grad is { } g && !g.isfinite().all().item<bool>()))
            {
                return false;
            }
        }

        _steps++;
        var correction1 = 1 - Math.Pow(Beta1, _steps);
        var correction2 = 1 - Math.Pow(Beta2, _steps);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        for (var i = 0; i < _parameters.Length; i++)
        {
            var gradient = _parameters[i].grad;
            if (gradient is null)
            {
                continue;
            }

            _first[i].mul_(Beta1).add_(gradient, alpha: 1 - Beta1);
            _second[i].mul_(Beta2).addcmul_(gradient, gradient, value: 1 - Beta2);
            var denominator = (_second[i] / correction2).sqrt_().add_(Epsilon);
            _parameters[i].addcdiv_(_first[i], denominator, value: -learningRate / correction1);
        }

        return true;
    }

    public void Save(string path)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(_steps);
        foreach (var moment in _first.Concat(_second))
        {
            var values = moment.data<float>().ToArray();
            writer.Write(values.Length);
            foreach (var value in values)
            {
                writer.Write(value);
            }
        }
    }

    public void Load(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        _steps = reader.ReadInt64();
        foreach (var moment in _first.Concat(_second))
        {
            var values = new float[reader.ReadInt32()];
            for (var j = 0; j < values.Length; j++)
            {
                values[j] = reader.ReadSingle();
            }

            moment.data<float>().CopyFrom(values);
        }
    }

    public void Dispose()
    {
        foreach (var moment in _first.Concat(_second))
        {
            moment.Dispose();
        }
    }
}
