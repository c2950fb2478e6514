import Foundation
import Testing
@testable import OmniEngine

/// The sans-IO node, driven directly: the ring computes exactly what one device computes,
/// whatever the delivery order, and failures end requests cleanly.
@Suite struct NodeTests {
    let checkpoint: Checkpoint
    let prompt: [Int]
    let expected: [Int]

    init() throws {
        checkpoint = try Checkpoint(directory: Fixtures.model("llama"))
        let reference = try Fixtures.reference("llama")
        let greedy = try #require(reference["greedy"] as? [String: Any])
        prompt = (greedy["input_ids"] as? [Any] ?? []).ints
        expected = (greedy["output_ids"] as? [Any] ?? []).ints
    }

    func request(_ seq: UInt64, origin: String, maxTokens: Int = 16) -> ClientRequest {
        ClientRequest(id: RequestID(origin: NodeID(origin), sequence: seq), promptTokens: prompt, maxTokens: maxTokens, ignoreEOS: true)
    }

    @Test(arguments: ["a", "b", "c"])
    func threeNodeRingEqualsOneDevice(_ origin: String) throws {
        let h = try NodeHarness(ids: ["a", "b", "c"], checkpoint: checkpoint)
        let r = request(1, origin: origin)
        h.submit(r, at: origin)
        h.runUntilQuiet()
        #expect(h.outcomes[r.id] == .completed(.length))
        #expect(h.delivered[r.id] == expected)
        let placement = try #require(h.nodes[NodeID(origin)]?.placement)
        #expect(placement.shards.count == 3)
        // Every shard freed its KV cache.
        for (_, e) in h.executors { #expect(e.activeRequests.isEmpty) }
        #expect(h.logs.contains { $0.contains("placement epoch 1") })
    }

    @Test(arguments: [(true, 0), (true, 3), (false, 2)])
    func reorderedAndDuplicatedMessagesGiveTheSameTokens(_ shuffle: Bool, _ duplicateEvery: Int) throws {
        let h = try NodeHarness(ids: ["a", "b", "c"], checkpoint: checkpoint)
        h.shuffle = shuffle
        h.duplicateEvery = duplicateEvery
        let requests = [request(1, origin: "a"), request(2, origin: "b", maxTokens: 8), request(3, origin: "c", maxTokens: 12)]
        for r in requests { h.submit(r, at: r.id.origin.description) }
        h.runUntilQuiet()
        for r in requests {
            #expect(h.outcomes[r.id] == .completed(.length))
            #expect(h.delivered[r.id] == Array(expected.prefix(r.maxTokens)))
        }
        for (_, e) in h.executors { #expect(e.activeRequests.isEmpty) }
    }

    @Test func stopTokensEndRequestsWithoutBeingDelivered() throws {
        let h = try NodeHarness(ids: ["a", "b"], checkpoint: checkpoint)
        var r = request(1, origin: "a")
        r.ignoreEOS = false
        r.stopTokenIds = [expected[5]]
        h.submit(r, at: "a")
        h.runUntilQuiet()
        #expect(h.outcomes[r.id] == .completed(.stop))
        #expect(h.delivered[r.id] == Array(expected.prefix(5)))
    }

    @Test func deadPeerFailsItsRequestsWithinTheBoundAndTheNextRequestSucceeds() throws {
        let h = try NodeHarness(ids: ["a", "b", "c"], checkpoint: checkpoint)
        let timeout = h.nodes[NodeID("a")]!.configuration.peerTimeout
        let heartbeat = h.nodes[NodeID("a")]!.configuration.heartbeatInterval
        let r = request(1, origin: "a")
        h.submit(r, at: "a")
        // Deliver a few steps, then kill the middle node with work in flight.
        for _ in 0..<5 where !h.pending.isEmpty {
            let (to, event) = h.pending.removeFirst()
            h.apply(h.nodes[to]!.handle(event, now: h.now), from: to)
        }
        h.kill("b")
        h.runUntilQuiet()
        #expect(h.outcomes[r.id] == nil, "the request is stuck until the failure is detected")
        let killedAt = h.now
        h.advance(by: timeout + heartbeat)
        guard case .failed(.peerLost(let node, _))? = h.outcomes[r.id] else {
            Issue.record("expected peerLost, got \(String(describing: h.outcomes[r.id]))")
            return
        }
        #expect(node == NodeID("b"))
        #expect(h.now - killedAt <= 2 * timeout)
        #expect(h.logs.contains { $0.contains("peer left: b") })
        for id in ["a", "c"] { #expect(h.executors[NodeID(id)]!.activeRequests.isEmpty, "\(id) leaked a KV cache") }
        // The next request is placed on the two remaining nodes and succeeds.
        let next = request(2, origin: "a")
        h.submit(next, at: "a")
        h.runUntilQuiet()
        #expect(h.outcomes[next.id] == .completed(.length))
        #expect(h.delivered[next.id] == expected)
        #expect(h.nodes[NodeID("a")]!.placement?.shards.map(\.node) .contains(NodeID("b")) == false)
    }

    @Test func excessRequestsQueueThenAreRefused() throws {
        let h = try NodeHarness(ids: ["a"], checkpoint: checkpoint) { c in
            c.maxActiveRequests = 1
            c.maxQueuedRequests = 1
        }
        let rs = (1...3).map { request(UInt64($0), origin: "a", maxTokens: 4) }
        for r in rs { h.submit(r, at: "a") }
        #expect(h.outcomes[rs[2].id] == .failed(.queueFull(limit: 1)))
        h.runUntilQuiet()
        #expect(h.outcomes[rs[0].id] == .completed(.length))
        #expect(h.outcomes[rs[1].id] == .completed(.length))
        #expect(h.delivered[rs[1].id] == Array(expected.prefix(4)))
    }

    @Test func invalidRequestsAndCancellation() throws {
        let h = try NodeHarness(ids: ["a", "b"], checkpoint: checkpoint)
        var bad = request(1, origin: "a")
        bad.promptTokens = [checkpoint.config.vocabSize + 5]
        h.submit(bad, at: "a")
        guard case .failed(.invalid(let message))? = h.outcomes[bad.id] else { Issue.record("expected invalid"); return }
        #expect(message.contains("outside the vocabulary"))
        var tooLong = request(2, origin: "a")
        tooLong.maxTokens = checkpoint.config.contextLimit
        h.submit(tooLong, at: "a")
        #expect(h.outcomes[tooLong.id] != nil)

        let r = request(3, origin: "a")
        h.submit(r, at: "a")
        h.apply(h.nodes[NodeID("a")]!.handle(.clientCancel(r.id), now: h.now), from: NodeID("a"))
        h.runUntilQuiet()
        #expect(h.outcomes[r.id] == .failed(.cancelled))
        for (_, e) in h.executors { #expect(e.activeRequests.isEmpty) }
    }

    @Test func modelThatDoesNotFitIsRefusedWithTheFigures() throws {
        let h = try NodeHarness(ids: ["a", "b"], checkpoint: checkpoint, memory: 100_000)
        let r = request(1, origin: "a")
        h.submit(r, at: "a")
        guard case .failed(.doesNotFit(let message))? = h.outcomes[r.id] else {
            Issue.record("expected doesNotFit, got \(String(describing: h.outcomes[r.id]))")
            return
        }
        #expect(message.contains("does not fit"))
    }

    @Test func duplicateNodeIdsAreReportedLoudly() throws {
        let h = try NodeHarness(ids: ["a", "b"], checkpoint: checkpoint)
        let a = NodeID("a")
        let effects = h.nodes[a]!.handle(.message(from: a, .hello(NodeAnnouncement(node: a, profile: h.nodes[a]!.configuration.profile, model: "llama"))), now: 0)
        #expect(effects.contains { if case .log(let l) = $0 { return l.contains("another node uses this node's id") } else { return false } })
    }

    @Test func measuredLinksReachThePlacement() throws {
        let h = try NodeHarness(ids: ["a", "b", "c"], checkpoint: checkpoint, strategy: "min-latency")
        let a = h.nodes[NodeID("a")]!
        #expect(a.topology.linkEntries.isEmpty)
        // A very slow link to c: min-latency keeps c out of the ring.
        h.apply(a.handle(.linkMeasured(NodeID("a"), NodeID("c"), latencySeconds: 5, bandwidthBytesPerSecond: 1e3), now: h.now), from: NodeID("a"))
        h.apply(a.handle(.linkMeasured(NodeID("b"), NodeID("c"), latencySeconds: 5, bandwidthBytesPerSecond: 1e3), now: h.now), from: NodeID("a"))
        #expect(a.topology.link(between: NodeID("a"), and: NodeID("c"))?.latencySeconds == 5)
        let r = request(1, origin: "a")
        h.submit(r, at: "a")
        h.runUntilQuiet()
        #expect(h.outcomes[r.id] == .completed(.length))
        #expect(a.placement?.shards.contains { $0.node == NodeID("c") } == false)
        // Bad measurements are ignored.
        let version = a.topology.version
        _ = a.handle(.linkMeasured(NodeID("a"), NodeID("b"), latencySeconds: -1, bandwidthBytesPerSecond: .nan), now: h.now)
        #expect(a.topology.version == version)
    }

    @Test func logprobsTravelFromTheLastShardToTheOrigin() throws {
        let h = try NodeHarness(ids: ["a", "b", "c"], checkpoint: checkpoint)
        var r = request(1, origin: "b", maxTokens: 6)
        r.sampling.topLogprobs = 3
        h.submit(r, at: "b")
        h.runUntilQuiet()
        #expect(h.outcomes[r.id] == .completed(.length))
        let got = try #require(h.deliveredLogprobs[r.id])
        #expect(got.count == 6)
        // The same figures as the single-device generator computes from its logits.
        var expected: [TokenLogprobs] = []
        let generator = try Generator(checkpoint: checkpoint)
        _ = try generator.generate(GenerationRequest(promptTokens: prompt, maxTokens: 6, sampling: r.sampling, ignoreEOS: true),
                                   onTokenLogprobs: { _, lp in expected.append(lp) })
        #expect(got.count == expected.count)
        for (a, b) in zip(got, expected) {
            #expect(abs(a.logprob - b.logprob) < 1e-6)
            #expect(a.top.map(\.id) == b.top.map(\.id))
            #expect(a.top.count == 3 && a.logprob <= 0)
        }
        // Greedy: the chosen token is the most likely one.
        for (lp, token) in zip(got, h.delivered[r.id] ?? []) { #expect(lp.top.first?.id == token) }
    }

    @Test func measuredLinksAreGossipedSoViewsConverge() throws {
        let h = try NodeHarness(ids: ["a", "b", "c"], checkpoint: checkpoint)
        let (a, b, c) = (h.nodes[NodeID("a")]!, h.nodes[NodeID("b")]!, h.nodes[NodeID("c")]!)
        // a measures its link to c; b measures its link to c.
        h.apply(a.handle(.linkMeasured(NodeID("a"), NodeID("c"), latencySeconds: 0.004, bandwidthBytesPerSecond: 5e7), now: h.now), from: NodeID("a"))
        h.apply(b.handle(.linkMeasured(NodeID("c"), NodeID("b"), latencySeconds: 0.0002, bandwidthBytesPerSecond: 1e9), now: h.now), from: NodeID("b"))
        h.runUntilQuiet()
        for node in [a, b, c] {
            #expect(node.topology.link(between: NodeID("a"), and: NodeID("c"))?.latencySeconds == 0.004, "\(node.id)")
            #expect(node.topology.link(between: NodeID("b"), and: NodeID("c"))?.bandwidthBytesPerSecond == 1e9, "\(node.id)")
        }
        #expect(a.topology.linkEntries == b.topology.linkEntries && b.topology.linkEntries == c.topology.linkEntries)
        // A report names only the far end: the near end is always its sender, so a node can
        // speak for its own links and no others.
        let report = NodeAnnouncement(node: NodeID("c"), profile: c.configuration.profile, model: "llama",
                                      links: [LinkReport(peer: NodeID("a"), latencySeconds: 0.009, bandwidthBytesPerSecond: 5e7)])
        _ = a.handle(.message(from: NodeID("c"), .hello(report)), now: h.now)
        #expect(a.topology.link(between: NodeID("a"), and: NodeID("c"))?.latencySeconds == 0.009)
        #expect(!a.topology.linkEntries.contains { $0.a == NodeID("a") && $0.b == NodeID("b") })
    }
}
