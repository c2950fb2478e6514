import Foundation

/// One node's view of the cluster: the nodes with their device profiles, and the links between
/// them (a symmetric default plus per-pair overrides).
///
/// Built for gossip. Every entry (node, link override, default link) carries its own version,
/// bumped on each local change; `merge` keeps, per entry, the higher version, breaking ties by a
/// fixed total order on the contents. Merging is therefore commutative, associative and
/// idempotent: views that exchange entries converge whatever the order. Removed nodes stay as
/// versioned tombstones so a removal is not undone by an older view. `version` is the sum of
/// entry versions: it increases on every change and is a function of the contents alone, so
/// converged views report the same version.
///
/// Storage is arrays sorted by node id, never a Dictionary, so iteration is deterministic.
public struct Topology: Sendable, Equatable, Codable {
    /// A node's profile (or its tombstone) with the version that orders updates to it.
    public struct NodeEntry: Sendable, Equatable, Codable {
        public var node: NodeID
        public var profile: DeviceProfile
        public var version: UInt64
        /// True once the node has left; kept so that older views cannot bring it back.
        public var removed: Bool

        public init(node: NodeID, profile: DeviceProfile, version: UInt64, removed: Bool = false) {
            self.node = node
            self.profile = profile
            self.version = version
            self.removed = removed
        }

        enum CodingKeys: String, CodingKey { case node, profile, version, removed }

        /// `removed` may be omitted (false).
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            node = try c.decode(NodeID.self, forKey: .node)
            profile = try c.decode(DeviceProfile.self, forKey: .profile)
            version = try c.decode(UInt64.self, forKey: .version)
            removed = try c.decodeIfPresent(Bool.self, forKey: .removed) ?? false
        }
    }

    /// A per-pair link override (`link == nil`: cleared, the default applies) with its version.
    /// The pair is stored with `a < b`; links are symmetric.
    public struct LinkEntry: Sendable, Equatable, Codable {
        public var a: NodeID
        public var b: NodeID
        public var link: LinkProfile?
        public var version: UInt64

        public init(a: NodeID, b: NodeID, link: LinkProfile?, version: UInt64) {
            self.a = min(a, b)
            self.b = max(a, b)
            self.link = link
            self.version = version
        }
    }

    /// All node entries, tombstones included, sorted by node id.
    public private(set) var nodeEntries: [NodeEntry]
    /// All link overrides, cleared ones included, sorted by (a, b).
    public private(set) var linkEntries: [LinkEntry]
    /// The link between any two nodes without an override.
    public private(set) var defaultLink: LinkProfile
    public private(set) var defaultLinkVersion: UInt64

    /// A topology with no nodes and `defaultLink` between any two nodes.
    public init(defaultLink: LinkProfile = .gigabitEthernet) {
        nodeEntries = []
        linkEntries = []
        self.defaultLink = defaultLink
        defaultLinkVersion = 0
    }

    /// Increases on every change; equal for views that have converged.
    public var version: UInt64 {
        var sum = defaultLinkVersion
        for entry in nodeEntries { sum = Self.saturatingAdd(sum, entry.version) }
        for entry in linkEntries { sum = Self.saturatingAdd(sum, entry.version) }
        return sum
    }

    /// Present (not removed) nodes, sorted by id.
    public var nodes: [NodeID] { nodeEntries.filter { !$0.removed }.map(\.node) }

    /// Present nodes with their profiles, sorted by id.
    public var profiles: [(node: NodeID, profile: DeviceProfile)] {
        nodeEntries.filter { !$0.removed }.map { ($0.node, $0.profile) }
    }

    /// The profile of a present node, or nil.
    public func profile(of node: NodeID) -> DeviceProfile? {
        guard let i = nodeIndex(node), !nodeEntries[i].removed else { return nil }
        return nodeEntries[i].profile
    }

    /// The link between two distinct nodes: the pair's override, else the default. Nil for
    /// `a == b` (no transfer).
    public func link(between a: NodeID, and b: NodeID) -> LinkProfile? {
        guard a != b else { return nil }
        if let i = linkIndex(a, b), let link = linkEntries[i].link { return link }
        return defaultLink
    }

    /// True when some pair has its own link (so hop costs depend on which nodes are adjacent).
    public var hasLinkOverrides: Bool { linkEntries.contains { $0.link != nil } }

    // MARK: Local changes (each bumps the entry's version when it changes something)

    /// Adds `node` or replaces its profile (bringing it back if it had been removed).
    public mutating func update(_ node: NodeID, profile: DeviceProfile) {
        if let i = nodeIndex(node) {
            let entry = nodeEntries[i]
            guard entry.removed || entry.profile != profile else { return }
            nodeEntries[i] = NodeEntry(node: node, profile: profile, version: Self.saturatingAdd(entry.version, 1))
        } else {
            insert(NodeEntry(node: node, profile: profile, version: 1))
        }
    }

    /// Marks `node` as gone. Does nothing for an unknown or already removed node.
    public mutating func remove(_ node: NodeID) {
        guard let i = nodeIndex(node), !nodeEntries[i].removed else { return }
        nodeEntries[i].removed = true
        nodeEntries[i].version = Self.saturatingAdd(nodeEntries[i].version, 1)
    }

    /// Sets (or with nil clears) the link override between two distinct nodes. Ignores `a == b`.
    public mutating func setLink(between a: NodeID, and b: NodeID, to link: LinkProfile?) {
        guard a != b else { return }
        if let i = linkIndex(a, b) {
            guard linkEntries[i].link != link else { return }
            linkEntries[i].link = link
            linkEntries[i].version = Self.saturatingAdd(linkEntries[i].version, 1)
        } else {
            guard link != nil else { return }
            let entry = LinkEntry(a: a, b: b, link: link, version: 1)
            let at = linkEntries.firstIndex { ($0.a, $0.b) > (entry.a, entry.b) } ?? linkEntries.endIndex
            linkEntries.insert(entry, at: at)
        }
    }

    /// Replaces the default link.
    public mutating func setDefaultLink(_ link: LinkProfile) {
        guard link != defaultLink else { return }
        defaultLink = link
        defaultLinkVersion = Self.saturatingAdd(defaultLinkVersion, 1)
    }

    // MARK: Merging

    /// This view merged with `other`: per entry the higher version wins; equal versions are
    /// settled by a fixed order on the contents (a removal beats a profile, a cleared override
    /// beats a set one, else the smaller contents), so `a.merged(with: b) == b.merged(with: a)`.
    public func merged(with other: Topology) -> Topology {
        var result = Topology(defaultLink: defaultLink)
        result.defaultLinkVersion = defaultLinkVersion
        if Self.defaultWins(other.defaultLink, other.defaultLinkVersion, over: defaultLink, defaultLinkVersion) {
            result.defaultLink = other.defaultLink
            result.defaultLinkVersion = other.defaultLinkVersion
        }
        result.nodeEntries = Self.mergeSorted(nodeEntries, other.nodeEntries, key: { $0.node }, wins: Self.nodeWins)
        result.linkEntries = Self.mergeSorted(linkEntries, other.linkEntries, key: { LinkKey(a: $0.a, b: $0.b) }, wins: Self.linkWins)
        return result
    }

    /// Merges `other` into this view (see `merged(with:)`).
    public mutating func merge(_ other: Topology) { self = merged(with: other) }

    static func nodeWins(_ x: NodeEntry, over y: NodeEntry) -> Bool {
        if x.version != y.version { return x.version > y.version }
        if x.removed != y.removed { return x.removed }
        return PlacementTotalOrder.compare(x.profile, y.profile) < 0
    }

    static func linkWins(_ x: LinkEntry, over y: LinkEntry) -> Bool {
        if x.version != y.version { return x.version > y.version }
        switch (x.link, y.link) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case let (p?, q?): return PlacementTotalOrder.compare(p, q) < 0
        }
    }

    static func defaultWins(_ x: LinkProfile, _ xv: UInt64, over y: LinkProfile, _ yv: UInt64) -> Bool {
        if xv != yv { return xv > yv }
        return PlacementTotalOrder.compare(x, y) < 0
    }

    /// Merges two arrays sorted by a unique key, keeping the winner where both have a key.
    static func mergeSorted<E, K: Comparable>(_ xs: [E], _ ys: [E], key: (E) -> K, wins: (E, E) -> Bool) -> [E] {
        var result: [E] = []
        result.reserveCapacity(xs.count + ys.count)
        var i = 0, j = 0
        while i < xs.count || j < ys.count {
            if j == ys.count || (i < xs.count && key(xs[i]) < key(ys[j])) {
                result.append(xs[i]); i += 1
            } else if i == xs.count || key(ys[j]) < key(xs[i]) {
                result.append(ys[j]); j += 1
            } else {
                result.append(wins(ys[j], xs[i]) ? ys[j] : xs[i]); i += 1; j += 1
            }
        }
        return result
    }

    // MARK: Codable

    enum CodingKeys: String, CodingKey {
        case nodes, links
        case defaultLink = "default_link"
        case defaultLinkVersion = "default_link_version"
    }

    /// Decodes and normalises (sorts entries, orders link pairs); throws
    /// `PlacementError.invalidTopology` for duplicate nodes or pairs and self-links, and the
    /// profile's or link's own error for bad values.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        defaultLink = try c.decodeIfPresent(LinkProfile.self, forKey: .defaultLink) ?? .gigabitEthernet
        defaultLinkVersion = try c.decodeIfPresent(UInt64.self, forKey: .defaultLinkVersion) ?? 0
        let nodes = try c.decodeIfPresent([NodeEntry].self, forKey: .nodes) ?? []
        nodeEntries = nodes.sorted { $0.node < $1.node }
        for (x, y) in zip(nodeEntries, nodeEntries.dropFirst()) where x.node == y.node {
            throw PlacementError.invalidTopology(reason: "node \(x.node) is listed twice")
        }
        let links = try c.decodeIfPresent([LinkEntry].self, forKey: .links) ?? []
        linkEntries = links.map { LinkEntry(a: $0.a, b: $0.b, link: $0.link, version: $0.version) }
            .sorted { LinkKey(a: $0.a, b: $0.b) < LinkKey(a: $1.a, b: $1.b) }
        for entry in linkEntries where entry.a == entry.b {
            throw PlacementError.invalidTopology(reason: "link from node \(entry.a) to itself")
        }
        for (x, y) in zip(linkEntries, linkEntries.dropFirst()) where x.a == y.a && x.b == y.b {
            throw PlacementError.invalidTopology(reason: "link \(x.a)-\(x.b) is listed twice")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(nodeEntries, forKey: .nodes)
        try c.encode(linkEntries, forKey: .links)
        try c.encode(defaultLink, forKey: .defaultLink)
        try c.encode(defaultLinkVersion, forKey: .defaultLinkVersion)
    }

    // MARK: Helpers

    struct LinkKey: Comparable {
        var a: NodeID
        var b: NodeID
        static func < (x: LinkKey, y: LinkKey) -> Bool { (x.a, x.b) < (y.a, y.b) }
    }

    func nodeIndex(_ node: NodeID) -> Int? { nodeEntries.firstIndex { $0.node == node } }

    func linkIndex(_ a: NodeID, _ b: NodeID) -> Int? {
        let (lo, hi) = (min(a, b), max(a, b))
        return linkEntries.firstIndex { $0.a == lo && $0.b == hi }
    }

    mutating func insert(_ entry: NodeEntry) {
        let at = nodeEntries.firstIndex { $0.node > entry.node } ?? nodeEntries.endIndex
        nodeEntries.insert(entry, at: at)
    }

    static func saturatingAdd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }
}
