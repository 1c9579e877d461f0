namespace Vsr.Train.Data;

/// <summary>
/// The openly licensed real photographs the models train on: the permissive subset (BSD-2-Clause, CC0-1.0,
/// CC-BY-4.0) of two Debian packages. Left out: the synthetic Enlightenment backgrounds (Dunes, Flat-Fan,
/// Flat-Stone-Pattern, Paper-Flower, Sunset-Hills, Squiggle*) and the CC-BY-SA-4.0 Lomiri wallpapers.
/// </summary>
public static class PhotoSources
{
    public const string Enlightenment = "enlightenment-data";
    public const string Lomiri = "lomiri-wallpapers-16.04";

    private const string EnlightenmentCredit = "Carsten Haitzler and various contributors (Enlightenment), 2000-2020";

    public static IReadOnlyList<PhotoSource> All { get; } =
    [
        .. new[]
        {
            "Bamboo", "Foggy-Trees", "God-Rays", "Green-Maple", "Lichen-Branches", "Mountain", "Peaks", "Red-Maple",
            "Sea-of-Lanterns", "Snow-Trees", "Spruce-Needles", "Sunset-Clouds", "White-Flower", "Yellow-Flower",
        }.Select(name => new PhotoSource(
            name, Enlightenment, $"usr/share/enlightenment/data/backgrounds/{name}.edj", "edje/images/0",
            Halve: true, "BSD-2-Clause", EnlightenmentCredit)),
        Wallpaper("aitzgorri_by_Aitzol_Berasategi", "CC-BY-4.0", "Aitzol Berasategi, 2018"),
        Wallpaper("friends_by_Aitzol_Berasategi", "CC-BY-4.0", "Aitzol Berasategi, 2018"),
        Wallpaper("life_by_Aitzol_Berasategi", "CC-BY-4.0", "Aitzol Berasategi, 2018"),
        Wallpaper("picosdeeuropa_by_Aitzol_Berasategi", "CC-BY-4.0", "Aitzol Berasategi, 2018"),
        Wallpaper("sunset_by_Aitzol_Berasategi", "CC-BY-4.0", "Aitzol Berasategi, 2018"),
        Wallpaper("Picture_0B_by_freespace", "CC-BY-4.0", "Trevor \"Freespace\", 2018"),
        Wallpaper("Picture_1A_by_freespace", "CC-BY-4.0", "Trevor \"Freespace\", 2018"),
        Wallpaper("umang_by_Abhishek_Mudgal", "CC-BY-4.0", "Abhishek Mudgal, 2018"),
        Wallpaper("Wine_by_Jakkub_Mede", "CC-BY-4.0", "Jakub Mede, 2018"),
        Wallpaper("seeding_by_Clements_Engelhardt", "CC0-1.0", "Clemens Engelhardt, 2018"),
    ];

    private static PhotoSource Wallpaper(string stem, string license, string credit) =>
        new(stem, Lomiri, $"usr/share/backgrounds/{stem}.jpg", null, Halve: true, license, credit);
}
