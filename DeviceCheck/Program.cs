using Vsr.DeviceCheck;

// Checks a new GPU node: runs every available model on the requested device and on the CPU over the same frames,
// and fails when the device did not get its provider or its outputs disagree with the CPU's. See docs/gpu-check.md.
// Usage: Vsr.DeviceCheck [--device cuda:0] [--report device-check.md] [--models .vsr/models] [--bundled DIR]
//                        [--only real-x2,real-x4] [--precisions fp32,fp16] [--frames FILE.rgb --size 640x360]
//                        [--frame-count 2] [--runs 5] [--tile 256,0] [--tiles-per-run 1,0]
//                        [--conv-algo exhaustive,heuristic] [--cache DIR]
CheckOptions options;
try
{
    options = CheckOptions.Parse(args);
}
catch (FormatException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var report = new NodeCheck(options, Console.Out).Run();
MarkdownReport.Write(report, options.ReportPath);
Console.WriteLine(report.Passed
    ? $"PASS: {report.Cases.Count} cases on {options.Device}; report {options.ReportPath}"
    : $"FAIL: {report.Cases.Count(c => !c.Passed)} of {report.Cases.Count} cases on {options.Device} failed; report {options.ReportPath}");
return report.Passed ? 0 : 1;
