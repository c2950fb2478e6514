import Foundation

/// How a live node finds its peers.
public enum DiscoveryMode: Sendable, Equatable {
    /// No discovery: the node serves alone (or peers dial it).
    case none
    /// Peers listed in a file, re-read when it changes.
    case manual(peersFile: String)
    /// UDP broadcast beacons on `port` to `destinations` (host byte order; nil: every IPv4
    /// interface's broadcast address and 127.255.255.255).
    case udp(port: UInt16, destinations: [UInt32]?)
}

/// Everything a `LiveNodeRuntime` needs besides the checkpoint: the node's configuration (id,
/// profile, model, strategy, timeouts), where to listen, how to discover peers and the cluster
/// key.
public struct LiveNodeSettings: Sendable {
    public var node: NodeConfiguration
    /// TCP address for peers (port 0 picks a free one).
    public var listen: IPv4Endpoint
    public var discovery: DiscoveryMode
    /// Shared secret: peers prove they know it and every frame and beacon is HMAC-tagged.
    public var clusterKey: String?
    /// Hidden states on the wire; f32 is exact.
    public var hiddenDType: WireDType = .f32
    /// Bytes that may wait for one peer before it is disconnected as stuck.
    public var maxQueuedBytesPerPeer = 64 << 20
    /// Seconds between discovery beacons and before a silent one is forgotten.
    public var beaconInterval = 2.5
    public var beaconExpiry = 30.0
    /// Testing and diagnostics: sleep this long before every compute step (emulates a slow device).
    public var computeDelaySeconds = 0.0

    public init(node: NodeConfiguration, listen: IPv4Endpoint, discovery: DiscoveryMode, clusterKey: String? = nil) {
        self.node = node
        self.listen = listen
        self.discovery = discovery
        self.clusterKey = clusterKey
    }
}

extension NodeConfiguration: @unchecked Sendable {}
