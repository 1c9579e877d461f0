using System.Globalization;

namespace Vsr.Bench;

/// <summary>Draws each section's bars (ScottPlot) as <c>&lt;stamp&gt;-&lt;section&gt;.png</c> beside the results.</summary>
public static class ChartWriter
{
    public static string? Write(BenchTable table, string directory, string stamp, string machine)
    {
        if (table.Chart.Count == 0)
        {
            return null;
        }

        var plot = new ScottPlot.Plot();
        var bars = table.Chart.Select((bar, i) => new ScottPlot.Bar
        {
            Position = table.Chart.Count - i,
            Value = bar.Value,
            Label = bar.Value.ToString(bar.Value >= 100 ? "0" : "0.###", CultureInfo.InvariantCulture),
        }).ToList();
        var series = plot.Add.Bars(bars);
        series.Horizontal = true;
        plot.Axes.Left.SetTicks(bars.Select(b => b.Position).ToArray(), table.Chart.Select(b => b.Label).ToArray());
        plot.Axes.Margins(left: 0, right: 0.15);
        plot.Title($"{table.Title}\n{machine}");
        plot.XLabel(table.ChartUnit);
        var file = $"{stamp}-{table.Section}.png";
        plot.SavePng(Path.Combine(directory, file), 1000, 140 + (48 * table.Chart.Count));
        return file;
    }
}
