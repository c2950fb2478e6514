import OmniBench

print("omni-bench")
// Temporary (kernels branch): run the kernel benchmarks until the real CLI lands.
if CommandLine.arguments.contains("--overhead") {
    let o = KernelBenchmarks.dispatchOverheads()
    print("dispatch overhead: pool \(o.pool) us, concurrentPerform \(o.concurrentPerform) us")
} else {
    KernelBenchmarks.runAll(includeDecodeStep: !CommandLine.arguments.contains("--no-decode"))
}
