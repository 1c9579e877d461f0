using System.Security.Cryptography;
using System.Text;

namespace Vsr.Grains.Hosting;

/// <summary>Checks of what a caller sends against a configured secret (the operator token, the dashboard's password).</summary>
public static class Secrets
{
    /// <summary>
    /// Whether <paramref name="given"/> is <paramref name="expected"/>, compared as hashes in constant time, so that neither
    /// the time taken nor an early length mismatch tells how much of a guess was right.
    /// </summary>
    public static bool Match(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Hash(given), Hash(expected));

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
