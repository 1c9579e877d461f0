using System.Reflection;
using Orleans;
using Microsoft.Extensions.DependencyInjection;

namespace Vsr.Cluster.Tests.Support;

/// <summary>
/// Wraps a silo's reminder table so that reminder registrations fail while <see cref="Faults"/> has failures left, as
/// a database error would; every other call goes to the real table.
/// </summary>
public class FaultyReminderTable : DispatchProxy
{
    private IReminderTable _inner = null!;
    private Faults _faults = null!;

    /// <summary>Replaces the registered <see cref="IReminderTable"/> with a wrapper around it that obeys <paramref name="faults"/>.</summary>
    public static void Install(IServiceCollection services, Faults faults)
    {
        var original = services.Last(d => d.ServiceType == typeof(IReminderTable));
        services.Remove(original);
        services.AddSingleton(sp =>
        {
            var inner = (IReminderTable)(original.ImplementationInstance
                ?? original.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!));
            var proxy = Create<IReminderTable, FaultyReminderTable>();
            ((FaultyReminderTable)(object)proxy)._inner = inner;
            ((FaultyReminderTable)(object)proxy)._faults = faults;
            return proxy;
        });
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name == nameof(IReminderTable.UpsertRow) && _faults.TakeFailure())
        {
            var resultType = targetMethod.ReturnType.GetGenericArguments()[0];
            var fromException = typeof(Task).GetMethods()
                .Single(m => m.Name == nameof(Task.FromException) && m.IsGenericMethod)
                .MakeGenericMethod(resultType);
            return fromException.Invoke(null, [new IOException("Injected fault: the reminder table is unavailable.")]);
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    /// <summary>How many of the next registrations fail; shared by the silos of one test's cluster.</summary>
    public sealed class Faults
    {
        private int _left;

        public void FailNextUpserts(int count) => Volatile.Write(ref _left, count);

        internal bool TakeFailure()
        {
            while (true)
            {
                var left = Volatile.Read(ref _left);
                if (left <= 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _left, left - 1, left) == left)
                {
                    return true;
                }
            }
        }
    }
}
