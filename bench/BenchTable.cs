using System.Text;

namespace Vsr.Bench;

/// <summary>One section's results: a table for the markdown report and named figures for the JSON and the chart.</summary>
public sealed record BenchTable(string Section, string Title, string Note, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>Key figures by name (for example <c>pipeline_over_raw</c>), rounded where they are made.</summary>
    public Dictionary<string, double> Figures { get; init; } = [];

    /// <summary>Bars for the chart: label and frames per second (or another rate named by <see cref="ChartUnit"/>).</summary>
    public IReadOnlyList<(string Label, double Value)> Chart { get; init; } = [];

    public string ChartUnit { get; init; } = "frames per second";

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("### ").AppendLine(Title).AppendLine();
        if (Note.Length > 0)
        {
            text.AppendLine(Note).AppendLine();
        }

        text.Append("| ").AppendJoin(" | ", Columns).AppendLine(" |");
        text.Append('|').AppendJoin("", Columns.Select(_ => " --- |")).AppendLine();
        foreach (var row in Rows)
        {
            text.Append("| ").AppendJoin(" | ", row.Select(Cell)).AppendLine(" |");
        }

        return text.AppendLine().ToString();
    }

    // A cell may quote a tool's output: keep it on one line and inside its column.
    private static string Cell(string value) => value.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);
}
