import Foundation
import Testing
@testable import OmniEngine
@testable import OmniSim

/// The simulator against hand computation, and its determinism.
@Suite struct SimulationTests {
    static let model = try! ModelPresets.config(named: "llama-3.2-1b")

    func device(_ id: String, flops: Double, bandwidth: Double, overhead: Double = 0) -> SimulatedDevice {
        SimulatedDevice(node: NodeID(id), profile: DeviceProfile(id: id, name: id, totalMemoryBytes: 64 << 30, availableMemoryBytes: 64 << 30,
                                                                processor: "test", cores: 1, peakFlops: .init(all: flops),
                                                                memoryBandwidthBytesPerSecond: bandwidth, stepOverheadSeconds: overhead))
    }

    func twoDeviceSetup(prompt: Int, output: Int) throws -> SimulationSetup {
        var setup = SimulationSetup(modelName: "llama-3.2-1b", model: Self.model, weightBytes: 2,
                                    devices: [device("a", flops: 2e12, bandwidth: 100e9, overhead: 0.001),
                                              device("b", flops: 1e12, bandwidth: 50e9, overhead: 0.002)],
                                    defaultLink: LinkSpec(latencySeconds: 0.005, bandwidthBytesPerSecond: 10e6),
                                    strategy: try PlacementStrategies.named("uniform"))
        setup.arrivals = [SimulatedArrival(time: 0, origin: NodeID("a"), promptTokens: prompt, maxTokens: output)]
        return setup
    }

    @Test func oneRequestOverTwoDevicesMatchesTheClosedForm() throws {
        let prompt = 64, output = 6
        let setup = try twoDeviceSetup(prompt: prompt, output: output)
        let outcome = ClusterSimulation(setup: setup).run()
        let record = try #require(outcome.requests.first)
        #expect(record.outcome == .completed(.length))
        #expect(record.tokens.count == output)
        let placement = try #require(outcome.placement)
        #expect(placement.shards.map(\.node) == [NodeID("a"), NodeID("b")])
        let cost = CostModel()
        let (sa, sb) = (placement.shards[0], placement.shards[1])
        let a = setup.devices[0].profile, b = setup.devices[1].profile
        let link = setup.defaultLink
        func hop(_ message: PeerMessage) -> Double { link.latencySeconds + link.serializationSeconds(WireSize.bytes(of: message)) }
        func ns(_ s: Double) -> Double { (s * 1e9).rounded() / 1e9 }

        // Time to first token: prefill on a, hidden states to b, prefill and sample on b, token back to a.
        let settings = RequestSettings(sampling: .greedy, maxTokens: output, promptLength: prompt, stopTokenIds: Self.model.eosTokenIds,
                                       ignoreEOS: false, promptTokens: Array(repeating: 0, count: prompt))
        let hidden = PeerMessage.forward(ForwardMessage(request: record.id, placement: placement, position: 0,
            activation: .hidden(HiddenStates(tokens: prompt, width: Self.model.hiddenSize, values: [])), settings: settings))
        let tokenBack = PeerMessage.token(TokenMessage(request: record.id, index: 0, token: 0, finish: nil))
        let prefillA = cost.stepTime(Self.model, dtypeBytes: 2, device: a, layers: sa.layers, isLast: false, tokens: prompt, priorTokens: 0)
        let prefillB = cost.stepTime(Self.model, dtypeBytes: 2, device: b, layers: sb.layers, isLast: true, tokens: prompt, priorTokens: 0)
        let ttft = ns(prefillA) + ns(hop(hidden)) + ns(prefillB) + ns(hop(tokenBack))
        let firstToken = try #require(record.firstToken)
        #expect(abs(firstToken - record.arrival - ttft) < 1e-8, "TTFT \(firstToken - record.arrival) vs closed form \(ttft)")

        // Each later token: token id from b to a, decode on a, hidden to b, decode on b, token to a.
        var settingsNoPrompt = settings
        settingsNoPrompt.promptTokens = []
        for i in 1..<output {
            let position = prompt + i - 1
            let tokenToFirst = PeerMessage.forward(ForwardMessage(request: record.id, placement: placement, position: position,
                                                                  activation: .tokens([0]), settings: settingsNoPrompt))
            let hiddenOne = PeerMessage.forward(ForwardMessage(request: record.id, placement: placement, position: position,
                activation: .hidden(HiddenStates(tokens: 1, width: Self.model.hiddenSize, values: [])), settings: settingsNoPrompt))
            let decodeA = cost.stepTime(Self.model, dtypeBytes: 2, device: a, layers: sa.layers, isLast: false, tokens: 1, priorTokens: position)
            let decodeB = cost.stepTime(Self.model, dtypeBytes: 2, device: b, layers: sb.layers, isLast: true, tokens: 1, priorTokens: position)
            // The token goes to the origin (a) and to the first shard (also a) as two messages on the same link.
            let toOrigin = ns(hop(tokenBack))
            let toFirst = ns(link.latencySeconds + link.serializationSeconds(WireSize.bytes(of: tokenBack)) + link.serializationSeconds(WireSize.bytes(of: tokenToFirst)))
            let step = toFirst - toOrigin + ns(decodeA) + ns(hop(hiddenOne)) + ns(decodeB) + toOrigin
            let gap = record.tokenTimes[i] - record.tokenTimes[i - 1]
            #expect(abs(gap - step) < 1e-8, "token \(i): \(gap) vs closed form \(step)")
        }
    }

    @Test func sameSeedSameOutcomeDifferentSeedDifferentDraws() throws {
        let w = Workload(arrivals: .poisson(rate: 2, count: 20), promptTokens: .uniform(8, 64), outputTokens: .uniform(2, 8),
                         origins: [], sampling: .greedy)
        let nodes = [NodeID("a"), NodeID("b")]
        let a1 = WorkloadGenerator.arrivals(w, nodes: nodes, seed: 1)
        let a2 = WorkloadGenerator.arrivals(w, nodes: nodes, seed: 1)
        let b = WorkloadGenerator.arrivals(w, nodes: nodes, seed: 2)
        #expect(a1 == a2)
        #expect(a1 != b)
        var setup = try twoDeviceSetup(prompt: 8, output: 2)
        setup.arrivals = a1
        let o1 = ClusterSimulation(setup: setup).run(), o2 = ClusterSimulation(setup: setup).run()
        #expect(o1.requests.map(\.tokenTimes) == o2.requests.map(\.tokenTimes))
        #expect(o1.spans == o2.spans)
        #expect(o1.eventsProcessed == o2.eventsProcessed)
    }

    @Test func crashedNodeFailsItsRequestsAndTheClusterReplans() throws {
        var setup = try twoDeviceSetup(prompt: 16, output: 40)
        setup.devices.append(device("c", flops: 1e12, bandwidth: 50e9))
        setup.arrivals = (0..<6).map { SimulatedArrival(time: Double($0) * 3, origin: NodeID("a"), promptTokens: 16, maxTokens: 40) }
        setup.faults = [.crash(node: NodeID("b"), at: 1.0, restartAt: nil)]
        let outcome = ClusterSimulation(setup: setup).run()
        let failed = outcome.requests.filter { if case .failed(.peerLost(let n, _))? = $0.outcome { return n == NodeID("b") } else { return false } }
        #expect(!failed.isEmpty)
        for r in failed {
            // Detected within the peer timeout plus one heartbeat (about twice the timeout at most).
            #expect(try #require(r.finish) - 1.0 <= 2 * setup.peerTimeoutSeconds)
        }
        let late = outcome.requests.filter { $0.arrival > 1.0 + 2 * setup.peerTimeoutSeconds }
        #expect(!late.isEmpty)
        for r in late { #expect(r.outcome == .completed(.length), "\(r.id): \(String(describing: r.outcome))") }
        #expect(outcome.logs.contains { $0.contains("peer left: b") })
    }

    @Test func realExecutorTokensEqualTheSingleDeviceGenerator() throws {
        let checkpoint = try Checkpoint(directory: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("OmniEngineTests/Fixtures/models/llama"))
        var setup = SimulationSetup(modelName: "llama", model: checkpoint.config, weightBytes: 4,
                                    devices: ["x", "y", "z"].map { device($0, flops: 1e10, bandwidth: 1e9) },
                                    defaultLink: LinkSpec(latencySeconds: 0.001, bandwidthBytesPerSecond: 1e8),
                                    strategy: try PlacementStrategies.named("uniform"))
        setup.executor = .real(checkpoint)
        setup.arrivals = (0..<3).map { SimulatedArrival(time: Double($0) * 0.01, origin: NodeID(["x", "y", "z"][$0]), promptTokens: 10, maxTokens: 8,
                                                        sampling: SamplingParameters(temperature: $0 == 2 ? 0.8 : 0, seed: 5)) }
        let prompts = (0..<3).map { i in (0..<10).map { (i * 13 + $0 * 7 + 1) % checkpoint.config.vocabSize } }
        setup.promptProvider = { index, _ in prompts[index] }
        setup.captureActivations = ActivationCaptureSpec(layers: [1, 2, 3, 4])
        let outcome = ClusterSimulation(setup: setup).run()
        #expect(outcome.placement?.shards.count == 3)
        let generator = try Generator(checkpoint: checkpoint)
        for (i, a) in setup.arrivals.enumerated() {
            let record = try #require(outcome.requests.first { $0.id.origin == a.origin })
            let single = try generator.generate(GenerationRequest(promptTokens: prompts[i], maxTokens: a.maxTokens, sampling: a.sampling,
                                                                  stopTokenIds: Set(checkpoint.config.eosTokenIds)))
            #expect(record.tokens == single.tokens, "request \(i)")
            // Hidden states captured at every shard boundary equal the single-device ones.
            let recorder = ActivationRecorder(spec: ActivationCaptureSpec(layers: [1, 2, 3, 4]))
            _ = try generator.generate(GenerationRequest(promptTokens: prompts[i], maxTokens: a.maxTokens, sampling: a.sampling,
                                                         stopTokenIds: Set(checkpoint.config.eosTokenIds)), observer: recorder.observer(request: i))
            let distributed = outcome.activations.filter { $0.request == i }
            #expect(distributed.map(\.layer) == [1, 2, 3, 4])
            for (d, s) in zip(distributed, recorder.activations) {
                #expect(d.positions == s.positions)
                #expect(d.values == s.values, "request \(i) layer \(d.layer)")
            }
        }
    }

    @Test func slowDeviceAndLatencySpikeSlowTokensDown() throws {
        var setup = try twoDeviceSetup(prompt: 16, output: 20)
        let base = ClusterSimulation(setup: setup).run().requests[0]
        setup.faults = [.slowDevice(node: NodeID("b"), factor: 4, at: 0, until: nil)]
        let slow = ClusterSimulation(setup: setup).run().requests[0]
        setup.faults = [.latencySpike(extraSeconds: 0.05, between: nil, at: 0, until: 1000)]
        let spiky = ClusterSimulation(setup: setup).run().requests[0]
        let span = { (r: SimulatedRequestRecord) in (r.finish ?? 0) - r.arrival }
        #expect(span(slow) > span(base) * 1.5)
        // Every token crosses two hops (a->b, b->a): at least 2 x 50 ms more per token.
        #expect(span(spiky) - span(base) >= 0.1 * 19)
    }

    @Test func partitionFailsRequestsAcrossItAndSharedMediaSerialize() throws {
        var setup = try twoDeviceSetup(prompt: 16, output: 30)
        setup.arrivals = [SimulatedArrival(time: 0, origin: NodeID("a"), promptTokens: 16, maxTokens: 30),
                          SimulatedArrival(time: 20, origin: NodeID("a"), promptTokens: 16, maxTokens: 5)]
        setup.faults = [.partition([[NodeID("a")], [NodeID("b")]], at: 0.2, until: nil)]
        let outcome = ClusterSimulation(setup: setup).run()
        guard case .failed(.peerLost(let n, _))? = outcome.requests[0].outcome else {
            Issue.record("expected the first request to fail, got \(String(describing: outcome.requests[0].outcome))")
            return
        }
        #expect(n == NodeID("b"))
        // After the partition, node a places the model on itself alone (it has the memory).
        #expect(outcome.requests[1].outcome == .completed(.length))

        // Two transfers at once on a shared medium take twice as long as on separate links.
        var shared = try twoDeviceSetup(prompt: 512, output: 2)
        shared.defaultLink = LinkSpec(latencySeconds: 0.001, bandwidthBytesPerSecond: 1e6, sharedMedium: "wifi")
        var separate = shared
        separate.defaultLink.sharedMedium = nil
        shared.arrivals = [SimulatedArrival(time: 0, origin: NodeID("a"), promptTokens: 512, maxTokens: 2),
                           SimulatedArrival(time: 0, origin: NodeID("b"), promptTokens: 512, maxTokens: 2)]
        separate.arrivals = shared.arrivals
        let a = ClusterSimulation(setup: shared).run(), b = ClusterSimulation(setup: separate).run()
        let last = { (o: SimulationOutcome) in o.requests.compactMap(\.finish).max() ?? 0 }
        #expect(last(a) > last(b))
    }

    @Test func deepSeekV3IsSimulatedFromItsShapes() throws {
        let model = try ModelPresets.config(named: "deepseek-v3")
        let big = { (id: String) in
            SimulatedDevice(node: NodeID(id), profile: DeviceProfile(id: id, name: id, totalMemoryBytes: 1 << 40, availableMemoryBytes: 1 << 40,
                                                                    processor: "test", cores: 1, peakFlops: .init(all: 400e12),
                                                                    memoryBandwidthBytesPerSecond: 3e12))
        }
        var setup = SimulationSetup(modelName: "deepseek-v3", model: model, weightBytes: 1, devices: [big("a"), big("b")],
                                    defaultLink: LinkSpec(latencySeconds: 10e-6, bandwidthBytesPerSecond: 50e9),
                                    strategy: try PlacementStrategies.named("uniform"))
        setup.arrivals = [SimulatedArrival(time: 0, origin: NodeID("a"), promptTokens: 64, maxTokens: 8)]
        let outcome = ClusterSimulation(setup: setup).run()
        #expect(outcome.requests.first?.outcome == .completed(.length))
        #expect(outcome.placement?.shards.count == 2)
        // A decode step reads the routed experts only: far below the 671 GB of stored weights.
        let r = try #require(outcome.requests.first)
        let tpot = (r.tokenTimes.last! - r.tokenTimes.first!) / Double(r.tokenTimes.count - 1)
        #expect(tpot < 671e9 / 3e12 / 4, "time per token \(tpot) s")
    }

    @Test func thisMachineIsAPresetFromCachedCalibration() throws {
        let json = #"{"name":"me","model":"llama-3.2-1b","devices":[{"id":"here","preset":"this-machine"}],"workload":{"arrivals":{"type":"explicit","times":[0]},"prompt_tokens":8,"output_tokens":4}}"#
        let e = try Experiment.parse(JSONValue.parse(Data(json.utf8), file: "x.json"), baseDirectory: URL(fileURLWithPath: "/"))
        let p = e.devices[0].profile
        #expect(e.devicePresets[NodeID("here")] == "this-machine")
        #expect(p.totalMemoryBytes > 0 && p.memoryBandwidthBytesPerSecond > 1e8 && p.peakFlops.f32 > 1e8)
    }
}
