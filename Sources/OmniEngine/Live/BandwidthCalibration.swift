import Foundation
import OmniKernels

/// A quick measurement of this machine's memory read bandwidth for the node's device profile,
/// cached in the state directory (`bandwidth.json`) so it runs once per machine and state dir.
public enum BandwidthCalibration {
    public static let fileName = "bandwidth.json"

    struct Cached: Codable {
        var bytes_per_second: Double
        var measured_bytes: Int
        var processor: String
    }

    /// The cached figure for this processor, or a fresh measurement over `bytes` (stored when
    /// the directory is writable). Nil if the measurement gives no usable number.
    public static func bandwidth(stateDirectory: String, processor: String, bytes: Int = 64 << 20) -> Double? {
        let file = URL(fileURLWithPath: stateDirectory).appendingPathComponent(fileName)
        if let data = try? Data(contentsOf: file), let cached = try? JSONDecoder().decode(Cached.self, from: data),
           cached.processor == processor, cached.bytes_per_second.isFinite, cached.bytes_per_second > 0 {
            return cached.bytes_per_second
        }
        let measured = MemoryBandwidth.measureReadBandwidth(bytes: bytes, repeats: 3)
        guard measured.isFinite, measured > 0 else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if let data = try? encoder.encode(Cached(bytes_per_second: measured, measured_bytes: bytes, processor: processor)) {
            try? FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
            try? data.write(to: file, options: .atomic)
        }
        return measured
    }
}
