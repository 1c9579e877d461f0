namespace Vsr.Train.Data;

/// <summary>Where one training photo comes from and under which terms.</summary>
/// <param name="Name">Short name, unique in the set.</param>
/// <param name="Package">Debian package holding it.</param>
/// <param name="PathInPackage">Its path inside the package.</param>
/// <param name="EetEntry">For .edj containers, the entry with the largest JPEG; otherwise null.</param>
/// <param name="Halve">Halve it before use: the file is compressed hard enough that full size would teach artefacts.</param>
/// <param name="License">SPDX identifier, from the package's copyright file.</param>
/// <param name="Credit">The author or copyright line to credit.</param>
public sealed record PhotoSource(string Name, string Package, string PathInPackage, string? EetEntry, bool Halve, string License, string Credit);
