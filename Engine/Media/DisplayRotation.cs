using System.Globalization;

namespace Vsr.Engine.Media;

/// <summary>
/// A stream's display matrix as ffmpeg 5.1 applies it when it decodes (autorotate). ffprobe reports the matrix's
/// angle anticlockwise; ffmpeg turns the picture clockwise by its negation, rounded and brought into [0, 360)
/// (fftools' <c>get_rotation</c>), with the filters it then inserts in front of the filter graph.
/// </summary>
internal static class DisplayRotation
{
    /// <summary>Whether ffmpeg's automatic rotation transposes the picture: it does so within a degree of ±90.</summary>
    public static bool IsQuarterTurn(double degrees)
    {
        var clockwise = Clockwise(degrees);
        return Math.Abs(clockwise - 90) < 1 || Math.Abs(clockwise - 270) < 1;
    }

    /// <summary>
    /// The filters that turn a picture as ffmpeg's autorotate turns it for a matrix of <paramref name="degrees"/>
    /// (ffprobe's <c>rotation</c>), for a decoder run with <c>-noautorotate</c>; none for an upright stream.
    /// </summary>
    public static IEnumerable<string> Filters(double degrees)
    {
        var clockwise = Clockwise(degrees);
        if (Math.Abs(clockwise - 90) < 1)
        {
            yield return "transpose=clock";
        }
        else if (Math.Abs(clockwise - 180) < 1)
        {
            yield return "hflip";
            yield return "vflip";
        }
        else if (Math.Abs(clockwise - 270) < 1)
        {
            yield return "transpose=cclock";
        }
        else if (Math.Abs(clockwise) > 1)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"rotate={clockwise:F6}*PI/180");
        }
    }

    private static double Clockwise(double degrees)
    {
        var theta = -Math.Round(degrees, MidpointRounding.AwayFromZero);
        return theta - (360 * Math.Floor((theta / 360) + (0.9 / 360)));
    }
}
