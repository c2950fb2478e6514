/// A network link between two nodes, one direction at a time: latency, bandwidth, FIFO
/// serialization (a message waits behind the ones before it), optional jitter and loss with a
/// retransmission delay, and optional membership of a shared medium (Wi-Fi: every device on it
/// shares one channel).
public struct LinkSpec: Sendable, Equatable, Codable {
    public var latencySeconds: Double
    public var bandwidthBytesPerSecond: Double
    /// Extra delay drawn uniformly from [0, jitter].
    public var jitterSeconds: Double = 0
    /// Probability that a message is lost once and retransmitted.
    public var lossProbability: Double = 0
    public var retransmitSeconds: Double = 0.2
    /// Name of a shared medium; links with the same name share one channel.
    public var sharedMedium: String?

    public init(latencySeconds: Double, bandwidthBytesPerSecond: Double, jitterSeconds: Double = 0,
                lossProbability: Double = 0, retransmitSeconds: Double = 0.2, sharedMedium: String? = nil) {
        self.latencySeconds = latencySeconds
        self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
        self.jitterSeconds = jitterSeconds
        self.lossProbability = lossProbability
        self.retransmitSeconds = retransmitSeconds
        self.sharedMedium = sharedMedium
    }

    /// Seconds to push `bytes` onto the wire.
    public func serializationSeconds(_ bytes: Int) -> Double {
        Double(bytes) / bandwidthBytesPerSecond
    }
}

/// Common links, with sources for their figures.
public enum LinkPresets {
    /// Name -> (spec, source).
    public static let all: [String: (LinkSpec, String)] = [
        // Thunderbolt 4: 40 Gb/s signalling; ~ 2.5 GB/s usable for IP over Thunderbolt; ~50 us RTT.
        "thunderbolt4": (LinkSpec(latencySeconds: 25e-6, bandwidthBytesPerSecond: 2.5e9), "Intel Thunderbolt 4 spec (40 Gb/s); IP-over-TB measurements ~20 Gb/s"),
        "thunderbolt5": (LinkSpec(latencySeconds: 20e-6, bandwidthBytesPerSecond: 6e9), "Intel Thunderbolt 5 spec (80 Gb/s bidirectional)"),
        "10gbe": (LinkSpec(latencySeconds: 50e-6, bandwidthBytesPerSecond: 1.17e9), "IEEE 802.3 10GBASE-T, ~9.4 Gb/s TCP goodput"),
        "1gbe": (LinkSpec(latencySeconds: 150e-6, bandwidthBytesPerSecond: 117e6), "IEEE 802.3 1000BASE-T, ~940 Mb/s TCP goodput"),
        "wifi5": (LinkSpec(latencySeconds: 3e-3, bandwidthBytesPerSecond: 50e6, jitterSeconds: 2e-3, sharedMedium: "wifi"), "802.11ac 2x2 real-world ~400 Mb/s TCP, 2-5 ms latency"),
        "wifi6": (LinkSpec(latencySeconds: 2e-3, bandwidthBytesPerSecond: 90e6, jitterSeconds: 1e-3, sharedMedium: "wifi"), "802.11ax 2x2 real-world ~700 Mb/s TCP, 1-3 ms latency"),
        "wan": (LinkSpec(latencySeconds: 25e-3, bandwidthBytesPerSecond: 12.5e6, jitterSeconds: 5e-3), "typical home broadband: 100 Mb/s, 25 ms one way"),
        "loopback": (LinkSpec(latencySeconds: 10e-6, bandwidthBytesPerSecond: 5e9), "Linux loopback TCP, measured order of magnitude"),
    ]
    public static var names: [String] { all.keys.sorted() }
}
