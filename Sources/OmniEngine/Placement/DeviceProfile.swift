import Foundation

/// What one device offers to a cluster: memory, compute and memory bandwidth, and how much of its
/// peak it actually achieves. The cost model turns these into step times.
///
/// JSON keys are snake_case (`total_memory_bytes`, `peak_flops`, ...). Measured FLOPS and
/// bandwidth are plain fields: a calibration elsewhere fills them in. Decoding validates the
/// values and fails with a `PlacementError.invalidDevice` naming the field.
public struct DeviceProfile: Sendable, Equatable, Codable {
    /// Peak floating-point operations per second for each compute dtype.
    public struct PeakFlops: Sendable, Equatable, Codable {
        public var f32: Double
        public var f16: Double
        public var bf16: Double

        public init(f32: Double, f16: Double, bf16: Double) {
            self.f32 = f32
            self.f16 = f16
            self.bf16 = bf16
        }

        /// The same rate for every dtype (a CPU that converts half precision to f32 to compute).
        public init(all value: Double) { self.init(f32: value, f16: value, bf16: value) }

        /// The peak for `dtype`.
        public subscript(dtype: ComputeDType) -> Double {
            switch dtype {
            case .f32: return f32
            case .f16: return f16
            case .bf16: return bf16
            }
        }
    }

    /// Stable identifier of the device (often the node id).
    public var id: String
    /// Human-readable name, e.g. "Mac Studio M2 Ultra".
    public var name: String
    /// Physical (or cgroup-limited) memory in bytes.
    public var totalMemoryBytes: Int
    /// Memory a node may use for weights and KV caches, in bytes.
    public var availableMemoryBytes: Int
    /// CPU or accelerator description, e.g. "AMD EPYC 9654 96-Core Processor".
    public var processor: String
    /// Number of CPU cores (or compute units) used.
    public var cores: Int
    /// Peak FLOPS per compute dtype.
    public var peakFlops: PeakFlops
    /// Peak memory bandwidth in bytes per second.
    public var memoryBandwidthBytesPerSecond: Double
    /// Fraction of peak FLOPS actually achieved, in (0, 1].
    public var computeEfficiency: Double
    /// Fraction of peak memory bandwidth actually achieved, in (0, 1].
    public var bandwidthEfficiency: Double
    /// Fixed time every forward step costs regardless of size (dispatch, synchronisation), seconds.
    public var stepOverheadSeconds: Double

    public init(id: String, name: String, totalMemoryBytes: Int, availableMemoryBytes: Int,
                processor: String, cores: Int, peakFlops: PeakFlops,
                memoryBandwidthBytesPerSecond: Double, computeEfficiency: Double = 1,
                bandwidthEfficiency: Double = 1, stepOverheadSeconds: Double = 0) {
        self.id = id
        self.name = name
        self.totalMemoryBytes = totalMemoryBytes
        self.availableMemoryBytes = availableMemoryBytes
        self.processor = processor
        self.cores = cores
        self.peakFlops = peakFlops
        self.memoryBandwidthBytesPerSecond = memoryBandwidthBytesPerSecond
        self.computeEfficiency = computeEfficiency
        self.bandwidthEfficiency = bandwidthEfficiency
        self.stepOverheadSeconds = stepOverheadSeconds
    }

    enum CodingKeys: String, CodingKey {
        case id, name, processor, cores
        case totalMemoryBytes = "total_memory_bytes"
        case availableMemoryBytes = "available_memory_bytes"
        case peakFlops = "peak_flops"
        case memoryBandwidthBytesPerSecond = "memory_bandwidth_bytes_per_second"
        case computeEfficiency = "compute_efficiency"
        case bandwidthEfficiency = "bandwidth_efficiency"
        case stepOverheadSeconds = "step_overhead_seconds"
    }

    /// Decodes and validates. `name`, `processor`, `cores`, efficiencies (1) and overhead (0) are
    /// optional; `available_memory_bytes` defaults to `total_memory_bytes`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? id
        totalMemoryBytes = try c.decode(Int.self, forKey: .totalMemoryBytes)
        availableMemoryBytes = try c.decodeIfPresent(Int.self, forKey: .availableMemoryBytes) ?? totalMemoryBytes
        processor = try c.decodeIfPresent(String.self, forKey: .processor) ?? ""
        cores = try c.decodeIfPresent(Int.self, forKey: .cores) ?? 1
        peakFlops = try c.decode(PeakFlops.self, forKey: .peakFlops)
        memoryBandwidthBytesPerSecond = try c.decode(Double.self, forKey: .memoryBandwidthBytesPerSecond)
        computeEfficiency = try c.decodeIfPresent(Double.self, forKey: .computeEfficiency) ?? 1
        bandwidthEfficiency = try c.decodeIfPresent(Double.self, forKey: .bandwidthEfficiency) ?? 1
        stepOverheadSeconds = try c.decodeIfPresent(Double.self, forKey: .stepOverheadSeconds) ?? 0
        try validate()
    }

    /// Throws `PlacementError.invalidDevice` naming the first field the cost model cannot use.
    public func validate() throws {
        func fail(_ field: String, _ reason: String) -> PlacementError {
            .invalidDevice(node: id, field: field, reason: reason)
        }
        guard totalMemoryBytes >= 0 else { throw fail("total_memory_bytes", "must not be negative, got \(totalMemoryBytes)") }
        guard availableMemoryBytes >= 0 else { throw fail("available_memory_bytes", "must not be negative, got \(availableMemoryBytes)") }
        guard availableMemoryBytes <= totalMemoryBytes else {
            throw fail("available_memory_bytes", "(\(availableMemoryBytes)) exceeds total_memory_bytes (\(totalMemoryBytes))")
        }
        guard cores >= 1 else { throw fail("cores", "must be at least 1, got \(cores)") }
        for (field, value) in [("peak_flops.f32", peakFlops.f32), ("peak_flops.f16", peakFlops.f16), ("peak_flops.bf16", peakFlops.bf16),
                               ("memory_bandwidth_bytes_per_second", memoryBandwidthBytesPerSecond)] {
            guard value.isFinite, value > 0 else { throw fail(field, "must be a positive finite number, got \(value)") }
        }
        for (field, value) in [("compute_efficiency", computeEfficiency), ("bandwidth_efficiency", bandwidthEfficiency)] {
            guard value.isFinite, value > 0, value <= 1 else { throw fail(field, "must be in (0, 1], got \(value)") }
        }
        guard stepOverheadSeconds.isFinite, stepOverheadSeconds >= 0 else {
            throw fail("step_overhead_seconds", "must be a non-negative finite number, got \(stepOverheadSeconds)")
        }
    }

    /// This profile with available memory capped at `bytes` (a `--memory-limit` override). Never
    /// raises it; a negative cap counts as zero.
    public func cappingAvailableMemory(at bytes: Int) -> DeviceProfile {
        var copy = self
        copy.availableMemoryBytes = min(availableMemoryBytes, max(0, bytes))
        return copy
    }

    /// Achieved FLOPS for `dtype`: peak times compute efficiency.
    public func effectiveFlops(_ dtype: ComputeDType) -> Double { peakFlops[dtype] * computeEfficiency }

    /// Achieved memory bandwidth: peak times bandwidth efficiency.
    public var effectiveBandwidth: Double { memoryBandwidthBytesPerSecond * bandwidthEfficiency }
}

/// The arithmetic precision a device computes in.
public enum ComputeDType: String, Sendable, Codable, CaseIterable {
    case f32, f16, bf16
}
