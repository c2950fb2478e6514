import Foundation

/// A network link between two nodes: one-way latency and bandwidth. Transfer time of `n` bytes
/// is `latencySeconds + n / bandwidthBytesPerSecond`.
public struct LinkProfile: Sendable, Equatable, Codable {
    public var latencySeconds: Double
    public var bandwidthBytesPerSecond: Double

    public init(latencySeconds: Double, bandwidthBytesPerSecond: Double) {
        self.latencySeconds = latencySeconds
        self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
    }

    /// 1 Gbit/s Ethernet with 0.5 ms latency: the default link of a new `Topology`.
    public static let gigabitEthernet = LinkProfile(latencySeconds: 0.0005, bandwidthBytesPerSecond: 125_000_000)

    enum CodingKeys: String, CodingKey {
        case latencySeconds = "latency_seconds"
        case bandwidthBytesPerSecond = "bandwidth_bytes_per_second"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        latencySeconds = try c.decode(Double.self, forKey: .latencySeconds)
        bandwidthBytesPerSecond = try c.decode(Double.self, forKey: .bandwidthBytesPerSecond)
        try validate(name: "in JSON")
    }

    /// Throws `PlacementError.invalidLink` unless latency is finite and non-negative and
    /// bandwidth positive. `name` says which link ("a-b", "default").
    public func validate(name: String) throws {
        guard latencySeconds.isFinite, latencySeconds >= 0 else {
            throw PlacementError.invalidLink(between: name, field: "latency_seconds", reason: "must be a non-negative finite number, got \(latencySeconds)")
        }
        guard bandwidthBytesPerSecond > 0, !bandwidthBytesPerSecond.isNaN else {
            throw PlacementError.invalidLink(between: name, field: "bandwidth_bytes_per_second", reason: "must be positive, got \(bandwidthBytesPerSecond)")
        }
    }

    /// Seconds to move `bytes` over this link.
    public func transferTime(bytes: Int) -> Double {
        latencySeconds + Double(bytes) / bandwidthBytesPerSecond
    }
}
