import Foundation

extension DeviceProfile {
    /// Placeholder rates for a machine that has not been calibrated: 50 GFLOPS per core and
    /// 20 GB/s. Calibration replaces them with measured values.
    public static let uncalibratedFlopsPerCore: Double = 50e9
    /// See `uncalibratedFlopsPerCore`.
    public static let uncalibratedBandwidth: Double = 20e9

    /// A profile of the machine this process runs on: memory from /proc/meminfo and cgroup limits
    /// (v1 or v2), CPU model from /proc/cpuinfo, active core count. `memoryLimitBytes` caps the
    /// available memory (a `--memory-limit` option). FLOPS and bandwidth are the caller's
    /// measured values, or uncalibrated placeholders (see `uncalibratedFlopsPerCore`).
    public static func thisMachine(
        id: String, name: String? = nil, memoryLimitBytes: Int? = nil,
        peakFlops: PeakFlops? = nil, memoryBandwidthBytesPerSecond: Double? = nil,
        computeEfficiency: Double = 1, bandwidthEfficiency: Double = 1, stepOverheadSeconds: Double = 0,
        system: LinuxSystemInfo = .live,
        cores: Int = ProcessInfo.processInfo.activeProcessorCount,
        physicalMemoryFallback: Int = Int(clamping: ProcessInfo.processInfo.physicalMemory)
    ) -> DeviceProfile {
        let memory = system.memory()
        let total = max(0, memory.totalBytes ?? physicalMemoryFallback)
        let available = max(0, min(memory.availableBytes ?? total, total))
        let coreCount = max(1, cores)
        let profile = DeviceProfile(
            id: id, name: name ?? id, totalMemoryBytes: total, availableMemoryBytes: available,
            processor: system.cpuModel() ?? "unknown CPU", cores: coreCount,
            peakFlops: peakFlops ?? PeakFlops(all: Double(coreCount) * uncalibratedFlopsPerCore),
            memoryBandwidthBytesPerSecond: memoryBandwidthBytesPerSecond ?? uncalibratedBandwidth,
            computeEfficiency: computeEfficiency, bandwidthEfficiency: bandwidthEfficiency,
            stepOverheadSeconds: stepOverheadSeconds)
        guard let limit = memoryLimitBytes else { return profile }
        return profile.cappingAvailableMemory(at: limit)
    }

    /// Parses a memory size as written on a command line: "17179869184", "16GiB", "16G", "512M",
    /// "1.5 GB", "64k". K/M/G/T and KiB/MiB/GiB/TiB are binary (1024-based); KB/MB/GB/TB are
    /// decimal. Throws `PlacementError.invalidSystemValue` naming the text.
    public static func parseMemorySize(_ text: String) throws -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let scales: [String: Double] = [
            "": 1, "b": 1,
            "k": 1024, "kib": 1024, "kb": 1e3,
            "m": Double(1 << 20), "mib": Double(1 << 20), "mb": 1e6,
            "g": Double(1 << 30), "gib": Double(1 << 30), "gb": 1e9,
            "t": Double(1 << 40), "tib": Double(1 << 40), "tb": 1e12,
        ]
        guard let number = Double(digits), number >= 0, let scale = scales[unit] else {
            throw PlacementError.invalidSystemValue(source: "memory size '\(text)'",
                reason: "expected a number of bytes with an optional unit (K, M, G, T, KiB..TiB, KB..TB), e.g. 16GiB")
        }
        let bytes = (number * scale).rounded(.down)
        guard bytes < 9.0e18 else {
            throw PlacementError.invalidSystemValue(source: "memory size '\(text)'", reason: "is too large")
        }
        return Int(bytes)
    }
}
