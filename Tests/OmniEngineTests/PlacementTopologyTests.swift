import Foundation
import Testing
@testable import OmniEngine

@Suite struct PlacementTopologyTests {
    func device(_ id: String, _ memory: Int) -> DeviceProfile { PlacementFixtures.device(id, memory: memory) }

    @Test func versionIncreasesOnEveryChangeOnly() {
        var t = Topology()
        #expect(t.version == 0)
        var last = t.version
        func changed(_ body: (inout Topology) -> Void) -> Bool {
            body(&t)
            defer { last = t.version }
            return t.version > last
        }
        #expect(changed { $0.update("a", profile: device("a", 1)) })
        #expect(!changed { $0.update("a", profile: device("a", 1)) })      // same profile: no change
        #expect(changed { $0.update("a", profile: device("a", 2)) })
        #expect(changed { $0.update("b", profile: device("b", 1)) })
        #expect(changed { $0.setLink(between: "b", and: "a", to: LinkProfile(latencySeconds: 1, bandwidthBytesPerSecond: 1)) })
        #expect(!changed { $0.setLink(between: "a", and: "b", to: LinkProfile(latencySeconds: 1, bandwidthBytesPerSecond: 1)) })
        #expect(changed { $0.setLink(between: "a", and: "b", to: nil) })
        #expect(changed { $0.setDefaultLink(LinkProfile(latencySeconds: 2, bandwidthBytesPerSecond: 2)) })
        #expect(changed { $0.remove("a") })
        #expect(!changed { $0.remove("a") })
        #expect(changed { $0.update("a", profile: device("a", 2)) })      // back after removal
        #expect(t.nodes == ["a", "b"])
    }

    @Test func linksAreSymmetricWithOverrides() {
        var t = PlacementFixtures.topology([device("a", 1), device("b", 1), device("c", 1)])
        let fast = LinkProfile(latencySeconds: 1e-6, bandwidthBytesPerSecond: 1e10)
        t.setLink(between: "c", and: "a", to: fast)
        #expect(t.link(between: "a", and: "c") == fast)
        #expect(t.link(between: "c", and: "a") == fast)
        #expect(t.link(between: "a", and: "b") == .gigabitEthernet)
        #expect(t.link(between: "a", and: "a") == nil)
        #expect(t.hasLinkOverrides)
        t.setLink(between: "a", and: "c", to: nil)
        #expect(t.link(between: "a", and: "c") == .gigabitEthernet)
        #expect(!t.hasLinkOverrides)
    }

    @Test func mergeTakesHigherVersionsAndKeepsRemovals() {
        var base = PlacementFixtures.topology([device("a", 1), device("b", 1)])
        var x = base, y = base
        x.update("a", profile: device("a", 5))                 // a: version 2 in x
        y.remove("b")                                          // b: tombstone version 2 in y
        y.update("c", profile: device("c", 3))
        let merged = x.merged(with: y)
        #expect(merged.nodes == ["a", "c"])
        #expect(merged.profile(of: "a")?.availableMemoryBytes == 5)
        #expect(merged.profile(of: "b") == nil)
        #expect(merged.version > x.version && merged.version > y.version)
        // An old view cannot bring b back.
        base.merge(merged)
        #expect(base.nodes == ["a", "c"])
    }

    @Test func concurrentEqualVersionsSettleTheSameWayInEitherOrder() {
        let base = PlacementFixtures.topology([device("a", 1)])
        var x = base, y = base
        x.update("a", profile: device("a", 7))
        y.update("a", profile: device("a", 9))
        x.setLink(between: "a", and: "b", to: LinkProfile(latencySeconds: 1, bandwidthBytesPerSecond: 1))
        y.setLink(between: "a", and: "b", to: LinkProfile(latencySeconds: 2, bandwidthBytesPerSecond: 1))
        x.setDefaultLink(LinkProfile(latencySeconds: 3, bandwidthBytesPerSecond: 3))
        y.setDefaultLink(LinkProfile(latencySeconds: 4, bandwidthBytesPerSecond: 4))
        #expect(x.merged(with: y) == y.merged(with: x))
        #expect(x.merged(with: y).profile(of: "a")?.availableMemoryBytes == 7)   // smaller contents win a tie
        var z = base
        z.remove("a")
        var w = base
        w.update("a", profile: device("a", 2))
        #expect(z.merged(with: w) == w.merged(with: z))
        #expect(z.merged(with: w).nodes.isEmpty)                                   // removal wins a tie
    }

    @Test func randomGossipConverges() {
        var rng = SeededGenerator(seed: 2026)
        for _ in 0..<20 {
            var views = [Topology](repeating: Topology(), count: 4)
            for _ in 0..<40 {
                let i = Int.random(in: 0..<views.count, using: &rng)
                let node = NodeID("n\(Int.random(in: 0..<5, using: &rng))")
                let other = NodeID("n\(Int.random(in: 0..<5, using: &rng))")
                switch Int.random(in: 0..<6, using: &rng) {
                case 0, 1: views[i].update(node, profile: device(node.rawValue, Int.random(in: 1...4, using: &rng)))
                case 2: views[i].remove(node)
                case 3: views[i].setLink(between: node, and: other, to: LinkProfile(latencySeconds: Double(Int.random(in: 1...3, using: &rng)), bandwidthBytesPerSecond: 1))
                case 4: views[i].setLink(between: node, and: other, to: nil)
                default:
                    let j = Int.random(in: 0..<views.count, using: &rng)
                    views[i].merge(views[j])
                }
            }
            let forward = views.dropFirst().reduce(views[0]) { $0.merged(with: $1) }
            let backward = views.dropLast().reversed().reduce(views[views.count - 1]) { $0.merged(with: $1) }
            let pairwise = views[0].merged(with: views[2]).merged(with: views[1].merged(with: views[3]))
            #expect(forward == backward)
            #expect(forward == pairwise)
            #expect(forward.merged(with: forward) == forward)
            #expect(forward.version == backward.version)
            for v in views { #expect(forward.version >= v.version) }
        }
    }

    @Test func codableRoundTripAndBadInput() throws {
        var t = PlacementFixtures.topology([device("b", 2), device("a", 1)])
        t.setLink(between: "b", and: "a", to: LinkProfile(latencySeconds: 0.25, bandwidthBytesPerSecond: 1e9))
        t.remove("b")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(t)
        #expect(try JSONDecoder().decode(Topology.self, from: data) == t)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"default_link\"") && text.contains("\"latency_seconds\""))

        let profile = String(decoding: try encoder.encode(device("a", 1)), as: UTF8.self)
        let duplicate = "{\"nodes\":[{\"node\":\"a\",\"profile\":\(profile),\"version\":1,\"removed\":false},{\"node\":\"a\",\"profile\":\(profile),\"version\":2,\"removed\":false}]}"
        #expect(throws: PlacementError.invalidTopology(reason: "node a is listed twice")) {
            try JSONDecoder().decode(Topology.self, from: Data(duplicate.utf8))
        }
        let selfLink = "{\"links\":[{\"a\":\"a\",\"b\":\"a\",\"version\":1,\"link\":{\"latency_seconds\":1,\"bandwidth_bytes_per_second\":1}}]}"
        #expect(throws: PlacementError.invalidTopology(reason: "link from node a to itself")) {
            try JSONDecoder().decode(Topology.self, from: Data(selfLink.utf8))
        }
        let badLink = "{\"default_link\":{\"latency_seconds\":-1,\"bandwidth_bytes_per_second\":1}}"
        #expect(throws: PlacementError.self) { try JSONDecoder().decode(Topology.self, from: Data(badLink.utf8)) }
    }
}
