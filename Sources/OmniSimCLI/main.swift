import Foundation
import OmniCommandLine
import OmniSim

/// `omni-sim experiment.json`: runs a simulated study and writes its results.
let spec = CommandSpec(name: "omni-sim", summary: """
    omni-sim — simulate OMNI clusters of heterogeneous devices and compare placement strategies.
    Runs OMNI's own node state machines over simulated devices and links (deterministic: same
    experiment and seed give byte-identical results). See Experiments/README.md for the schema.
    """, options: [
    OptionSpec("out", value: "DIR", help: "Results folder.", default: "Results/<experiment name>"),
    OptionSpec("seed", value: "S", help: "Override the experiment's seed."),
    OptionSpec("quiet", help: "No progress on stderr."),
], positionals: ["experiment.json"], positionalsRequired: 1)

do {
    let args = try spec.parse(Array(CommandLine.arguments.dropFirst()))
    if args.flag("help") { print(spec.help); exit(0) }
    let file = URL(fileURLWithPath: args.positionals[0])
    var experiment = try Experiment.load(file: file)
    if let seed = try args.uint64("seed") { experiment.seed = seed }
    let quiet = args.flag("quiet")
    let out = args.string("out").map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: "Results").appendingPathComponent(experiment.name)
    let start = ContinuousClock.now
    if !quiet {
        printError("omni-sim: \(experiment.name): \(experiment.modelName) on \(experiment.devices.count) devices, \(experiment.strategies.count) strategies")
    }
    let run = try ExperimentRunner.run(experiment, progress: quiet ? nil : { printError("  \($0)") }, traceDirectory: out)
    let files = try ExperimentRunner.write(run, experiment: experiment, to: out)
    let wall = (ContinuousClock.now - start).seconds
    for warning in run.warnings { printError("warning: \(warning)") }
    print(ComparisonTable.render(results: run.results))
    if experiment.checkTokens {
        print("token check: \(run.tokensChecked) requests compared with omni generate, \(run.tokenMismatches.count) mismatches")
        for m in run.tokenMismatches { print("  MISMATCH \(m)") }
    }
    if !quiet {
        printError(String(format: "omni-sim: %d events, %.1f simulated s in %.2f s wall (%.0fx faster than simulated time, %.0f events/s)",
                          run.events, run.simulatedSeconds, wall, run.simulatedSeconds / max(wall, 1e-9), Double(run.events) / max(wall, 1e-9)))
        printError("omni-sim: wrote \(files.count) files to \(out.path)")
    }
    exit(run.tokenMismatches.isEmpty ? 0 : 2)
} catch {
    printError("error: \(error.localizedDescription)")
    exit(1)
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
