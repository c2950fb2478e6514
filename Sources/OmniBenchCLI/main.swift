import OmniBench

print("omni-bench")
// Temporary (kernels branch): run the kernel benchmarks until the real CLI lands.
KernelBenchmarks.runAll(includeDecodeStep: !CommandLine.arguments.contains("--no-decode"))
