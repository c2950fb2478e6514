import Foundation

/// Deterministic total orders used to break ties when merging topology views. Doubles compare
/// with IEEE total order so that even NaN has a place and merging stays order-independent.
enum PlacementTotalOrder {
    /// -1, 0 or 1 for a < b, a == b, a > b.
    static func compare(_ a: Double, _ b: Double) -> Int {
        if a.bitPattern == b.bitPattern { return 0 }
        return a.isTotallyOrdered(belowOrEqualTo: b) ? -1 : 1
    }

    static func compare<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }

    static func compare(_ a: String, _ b: String) -> Int {
        if a.utf8.elementsEqual(b.utf8) { return 0 }
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
    }

    /// The first non-zero comparison, or 0.
    static func chain(_ comparisons: [Int]) -> Int { comparisons.first { $0 != 0 } ?? 0 }

    static func compare(_ a: LinkProfile, _ b: LinkProfile) -> Int {
        chain([compare(a.latencySeconds, b.latencySeconds), compare(a.bandwidthBytesPerSecond, b.bandwidthBytesPerSecond)])
    }

    static func compare(_ a: DeviceProfile, _ b: DeviceProfile) -> Int {
        chain([
            compare(a.id, b.id), compare(a.name, b.name),
            compare(a.totalMemoryBytes, b.totalMemoryBytes), compare(a.availableMemoryBytes, b.availableMemoryBytes),
            compare(a.processor, b.processor), compare(a.cores, b.cores),
            compare(a.peakFlops.f32, b.peakFlops.f32), compare(a.peakFlops.f16, b.peakFlops.f16),
            compare(a.peakFlops.bf16, b.peakFlops.bf16),
            compare(a.memoryBandwidthBytesPerSecond, b.memoryBandwidthBytesPerSecond),
            compare(a.computeEfficiency, b.computeEfficiency), compare(a.bandwidthEfficiency, b.bandwidthEfficiency),
            compare(a.stepOverheadSeconds, b.stepOverheadSeconds),
        ])
    }
}
