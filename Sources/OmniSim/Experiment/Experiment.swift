import Foundation
import OmniEngine

/// A parsed experiment file: a model, a cluster, the strategies to compare, a workload and
/// faults. See `Experiments/README.md` for the schema.
public struct Experiment {
    public var name: String
    public var seed: UInt64
    public var modelName: String
    public var model: ModelConfig
    public var weightBytes: Int
    /// A checkpoint directory when the real executor is used.
    public var checkpoint: URL?
    public var useRealExecutor: Bool
    public var devices: [SimulatedDevice]
    public var devicePresets: [NodeID: String]
    public var defaultLink: LinkSpec
    public var links: [LinkPairKey: LinkSpec]
    public var strategies: [(name: String, parameters: [String: Double])]
    public var workload: Workload
    public var faults: [SimulatedFault]
    public var engine: EngineSettings
    public var outputs: Outputs
    /// With the real executor: check every request's tokens against a single-device Generator.
    public var checkTokens: Bool

    /// Node timing settings.
    public struct EngineSettings {
        public var heartbeatSeconds = 1.0
        public var peerTimeoutSeconds = 4.0
        public var requestTimeoutSeconds = 60.0
        public var maxActiveRequests = 64
        public var maxQueuedRequests = 1024
        public var maxContext = 4096
        public var kvReservedRequests = 4
    }

    /// Which files to write.
    public struct Outputs {
        public var chromeTrace = true
        public var plots = true
        public var hdf5 = true
        /// Hidden states to capture (real executor), written to the HDF5 traces.
        public var captureActivations: ActivationCaptureSpec?
        /// Spans per strategy in trace.json and the timeline plots.
        public var maxTraceSpans = 5_000
    }
}

/// The requests of an experiment.
public struct Workload {
    public enum Arrivals {
        case explicit([Double])
        case poisson(rate: Double, count: Int)
        case closedLoop(users: Int, requestsPerUser: Int, thinkSeconds: Double)
    }
    public enum Lengths {
        case fixed(Int)
        case uniform(Int, Int)
        case trace([Int])
    }
    public var arrivals: Arrivals
    public var promptTokens: Lengths
    public var outputTokens: Lengths
    /// Nodes that accept requests, in turn; empty means every node round-robin.
    public var origins: [NodeID]
    public var sampling: SamplingParameters
}

extension Experiment {
    static let topKeys = ["name", "seed", "description", "model", "dtype", "executor", "check_tokens", "devices", "network",
                          "strategies", "workload", "faults", "engine", "outputs"]

    /// Reads and validates an experiment file. Relative paths inside resolve against its folder.
    public static func load(file: URL) throws -> Experiment {
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw ExperimentError.unreadable(file: file.path, reason: "cannot read: \(error.localizedDescription)")
        }
        let value: JSONValue
        do { value = try JSONValue.parse(data, file: file.path) } catch {
            throw ExperimentError.unreadable(file: file.path, reason: error.localizedDescription)
        }
        return try parse(value, baseDirectory: file.deletingLastPathComponent())
    }

    public static func parse(_ json: JSONValue, baseDirectory: URL) throws -> Experiment {
        let root = JSONNode(value: json, path: "")
        _ = try root.object(allowed: topKeys)
        let name = try root.required("name").string()
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw ExperimentError.invalid(path: "name", message: "use letters, digits, '-', '_' or '.' (it names the results folder), got \"\(name)\"")
        }
        let seed = UInt64(try root.child("seed")?.int(0...Int.max) ?? 1)

        // Model.
        let modelNode = try root.required("model")
        var modelName: String
        var config: ModelConfig
        var checkpoint: URL? = nil
        if let preset = modelNode.value.stringValue {
            modelName = preset
            config = try presetConfig(preset, path: modelNode.path)
        } else {
            _ = try modelNode.object(allowed: ["preset", "config", "checkpoint", "name"])
            if let p = modelNode.child("preset") {
                modelName = try p.string()
                config = try presetConfig(modelName, path: p.path)
            } else if let c = modelNode.child("config") {
                let url = resolve(try c.string(), base: baseDirectory)
                do { config = try ModelConfig.parse(Data(contentsOf: url), file: url.path) } catch let e as CheckpointError {
                    throw ExperimentError.invalid(path: c.path, message: e.localizedDescription)
                } catch { throw ExperimentError.invalid(path: c.path, message: "cannot read \(url.path)") }
                modelName = url.deletingLastPathComponent().lastPathComponent
            } else if let c = modelNode.child("checkpoint") {
                let url = resolve(try c.string(), base: baseDirectory)
                do { config = try Checkpoint(directory: url).config } catch {
                    throw ExperimentError.invalid(path: c.path, message: error.localizedDescription)
                }
                checkpoint = url
                modelName = url.lastPathComponent
            } else {
                throw modelNode.fail("give a preset name, {\"preset\": ...}, {\"config\": path} or {\"checkpoint\": dir}")
            }
            if let n = modelNode.child("name") { modelName = try n.string() }
        }
        let dtypeNode = root.child("dtype")
        let dtype = try dtypeNode?.string() ?? "bf16"
        guard let weightBytes = ["f32": 4, "float32": 4, "f16": 2, "float16": 2, "bf16": 2, "bfloat16": 2][dtype.lowercased()] else {
            throw ExperimentError.invalid(path: "dtype", message: "expected f32, f16 or bf16, got \"\(dtype)\"")
        }
        let executor = try root.child("executor")?.string() ?? "modeled"
        guard executor == "modeled" || executor == "real" else {
            throw ExperimentError.invalid(path: "executor", message: "expected \"modeled\" or \"real\", got \"\(executor)\"")
        }
        if executor == "real" && checkpoint == nil {
            throw ExperimentError.invalid(path: "executor", message: "\"real\" needs model.checkpoint (a directory with weights)")
        }

        // Devices.
        var devices: [SimulatedDevice] = []
        var presetNames: [NodeID: String] = [:]
        let deviceNodes = try root.required("devices").array()
        guard !deviceNodes.isEmpty else { throw ExperimentError.invalid(path: "devices", message: "needs at least one device") }
        for d in deviceNodes {
            let (device, preset) = try parseDevice(d, base: baseDirectory)
            guard !devices.contains(where: { $0.node == device.node }) else {
                throw ExperimentError.invalid(path: d.path + ".id", message: "\"\(device.node)\" is used by another device")
            }
            devices.append(device)
            presetNames[device.node] = preset
        }
        let ids = Set(devices.map(\.node))
        func nodeID(_ n: JSONNode) throws -> NodeID {
            let s = try n.string()
            guard ids.contains(NodeID(s)) else {
                throw n.fail("\"\(s)\" is not a device id; devices: \(devices.map(\.node.description).joined(separator: ", "))")
            }
            return NodeID(s)
        }

        // Network.
        var defaultLink = LinkPresets.all["1gbe"]!.0
        var links: [LinkPairKey: LinkSpec] = [:]
        if let net = root.child("network") {
            _ = try net.object(allowed: ["default", "links"])
            if let d = net.child("default") { defaultLink = try parseLink(d) }
            for l in try net.child("links")?.array() ?? [] {
                _ = try l.object(allowed: ["between", "link"])
                let between = try l.required("between").array()
                guard between.count == 2 else { throw ExperimentError.invalid(path: l.path + ".between", message: "expected two device ids") }
                let a = try nodeID(between[0]), b = try nodeID(between[1])
                guard a != b else { throw ExperimentError.invalid(path: l.path + ".between", message: "a link joins two different devices") }
                links[LinkPairKey(a, b)] = try parseLink(try l.required("link"))
            }
        }

        // Strategies.
        var strategies: [(String, [String: Double])] = []
        let strategyNodes = try root.child("strategies")?.array() ?? [JSONNode(value: .string(PlacementStrategies.defaultName), path: "strategies[0]")]
        for s in strategyNodes {
            let name: String
            var parameters: [String: Double] = [:]
            if let n = s.value.stringValue { name = n } else {
                _ = try s.object(allowed: ["name", "parameters"])
                name = try s.required("name").string()
                if let p = s.child("parameters") {
                    for (k, _) in try p.object(allowed: Array((p.value.objectValue ?? [:]).keys)) {
                        parameters[k] = try p.required(k).double()
                    }
                }
            }
            do { _ = try PlacementStrategies.named(name, parameters: parameters) } catch {
                throw s.fail(error.localizedDescription)
            }
            strategies.append((name, parameters))
        }

        let workload = try parseWorkload(try root.required("workload"), nodes: devices.map(\.node), nodeID: nodeID, base: baseDirectory)
        var faults: [SimulatedFault] = []
        for f in try root.child("faults")?.array() ?? [] { faults.append(try parseFault(f, nodeID: nodeID)) }

        var engine = EngineSettings()
        if let e = root.child("engine") {
            _ = try e.object(allowed: ["heartbeat", "peer_timeout", "request_timeout", "max_active_requests", "max_queued_requests", "max_context", "kv_reserved_requests"])
            if let v = e.child("heartbeat") { engine.heartbeatSeconds = try v.seconds() }
            if let v = e.child("peer_timeout") { engine.peerTimeoutSeconds = try v.seconds() }
            if let v = e.child("request_timeout") { engine.requestTimeoutSeconds = try v.seconds() }
            if let v = e.child("max_active_requests") { engine.maxActiveRequests = try v.int(1...1_000_000) }
            if let v = e.child("max_queued_requests") { engine.maxQueuedRequests = try v.int(0...1_000_000) }
            if let v = e.child("max_context") { engine.maxContext = try v.int(1...10_000_000) }
            if let v = e.child("kv_reserved_requests") { engine.kvReservedRequests = try v.int(1...1_000_000) }
        }
        var outputs = Outputs()
        if let o = root.child("outputs") {
            _ = try o.object(allowed: ["chrome_trace", "plots", "hdf5", "max_trace_spans", "capture_activations"])
            if let v = o.child("capture_activations") {
                do { outputs.captureActivations = try ActivationCaptureSpec.parse(try v.string()) } catch let e as EngineError {
                    throw v.fail(e.localizedDescription)
                }
            }
            if let v = o.child("max_trace_spans") { outputs.maxTraceSpans = try v.int(1...100_000_000) }
            if let v = o.child("chrome_trace") { outputs.chromeTrace = try v.bool() }
            if let v = o.child("plots") { outputs.plots = try v.bool() }
            if let v = o.child("hdf5") { outputs.hdf5 = try v.bool() }
        }
        let checkTokens = try root.child("check_tokens")?.bool() ?? false
        if outputs.captureActivations != nil && executor != "real" {
            throw ExperimentError.invalid(path: "outputs.capture_activations", message: "needs \"executor\": \"real\" (the modeled executor has no activations)")
        }
        if checkTokens && executor != "real" {
            throw ExperimentError.invalid(path: "check_tokens", message: "needs \"executor\": \"real\"")
        }
        return Experiment(name: name, seed: seed, modelName: modelName, model: config, weightBytes: weightBytes,
                          checkpoint: checkpoint, useRealExecutor: executor == "real", devices: devices, devicePresets: presetNames,
                          defaultLink: defaultLink, links: links, strategies: strategies, workload: workload, faults: faults,
                          engine: engine, outputs: outputs, checkTokens: checkTokens)
    }

    static func resolve(_ path: String, base: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
    }

    static func presetConfig(_ name: String, path: String) throws -> ModelConfig {
        do { return try ModelPresets.config(named: name) } catch {
            throw ExperimentError.invalid(path: path, message: "unknown model preset \"\(name)\"; presets: \(ModelPresets.names.joined(separator: ", "))")
        }
    }

    static func parseDevice(_ d: JSONNode, base: URL) throws -> (SimulatedDevice, String?) {
        _ = try d.object(allowed: ["id", "preset", "profile", "name", "memory", "available_memory", "flops", "bandwidth",
                                   "compute_efficiency", "bandwidth_efficiency", "step_overhead"])
        let id = try d.required("id").string()
        guard !id.isEmpty else { throw ExperimentError.invalid(path: d.path + ".id", message: "must not be empty") }
        var profile: DeviceProfile
        var presetName: String? = nil
        if let p = d.child("preset"), p.value.stringValue == DevicePresets.thisMachine {
            // This machine, from the same cached calibration `omni serve` uses.
            profile = DevicePresets.calibratedThisMachine(id: id)
            presetName = DevicePresets.thisMachine
        } else if let p = d.child("preset") {
            let name = try p.string()
            guard let preset = DevicePresets.all[name] else {
                throw p.fail("unknown device preset \"\(name)\"; presets: \(DevicePresets.names.joined(separator: ", ")), \(DevicePresets.thisMachine)")
            }
            profile = preset.profile
            presetName = name
        } else if let p = d.child("profile") {
            let url = resolve(try p.string(), base: base)
            do { profile = try JSONDecoder().decode(DeviceProfile.self, from: Data(contentsOf: url)) } catch {
                throw p.fail("cannot load device profile \(url.path): \(error.localizedDescription)")
            }
        } else {
            guard d.child("memory") != nil, d.child("flops") != nil, d.child("bandwidth") != nil else {
                throw d.fail("give a \"preset\", a \"profile\" file, or \"memory\", \"flops\" and \"bandwidth\"")
            }
            profile = DeviceProfile(id: id, name: id, totalMemoryBytes: 0, availableMemoryBytes: 0, processor: "custom", cores: 1,
                                    peakFlops: .init(all: 1), memoryBandwidthBytesPerSecond: 1)
        }
        profile.id = id
        if let v = d.child("name") { profile.name = try v.string() }
        if let v = d.child("memory") {
            let bytes = try v.bytes()
            guard bytes > 0 else { throw v.fail("expected a size like \"16GB\", got 0") }
            let used = profile.totalMemoryBytes - profile.availableMemoryBytes
            profile.totalMemoryBytes = bytes
            profile.availableMemoryBytes = max(0, bytes - max(0, used))
        }
        if let v = d.child("available_memory") { profile.availableMemoryBytes = try v.bytes() }
        if let v = d.child("flops") { profile.peakFlops = .init(all: try v.rate(Units.flops, example: "10TFLOPS")) }
        if let v = d.child("bandwidth") { profile.memoryBandwidthBytesPerSecond = try v.rate(Units.bandwidth, example: "100GB/s") }
        if let v = d.child("compute_efficiency") { profile.computeEfficiency = try v.double(0.001...1) }
        if let v = d.child("bandwidth_efficiency") { profile.bandwidthEfficiency = try v.double(0.001...1) }
        if let v = d.child("step_overhead") { profile.stepOverheadSeconds = try v.seconds() }
        do { try profile.validate() } catch { throw d.fail(error.localizedDescription) }
        return (SimulatedDevice(node: NodeID(id), profile: profile), presetName)
    }

    static func parseLink(_ l: JSONNode) throws -> LinkSpec {
        if let name = l.value.stringValue {
            guard let preset = LinkPresets.all[name] else {
                throw l.fail("unknown link preset \"\(name)\"; presets: \(LinkPresets.names.joined(separator: ", "))")
            }
            return preset.0
        }
        _ = try l.object(allowed: ["preset", "latency", "bandwidth", "jitter", "loss", "retransmit", "shared_medium"])
        var spec = LinkPresets.all["1gbe"]!.0
        if let p = l.child("preset") { spec = try parseLink(p) }
        if let v = l.child("latency") { spec.latencySeconds = try v.seconds() }
        if let v = l.child("bandwidth") { spec.bandwidthBytesPerSecond = try v.rate(Units.bandwidth, example: "1Gbit/s") }
        if let v = l.child("jitter") { spec.jitterSeconds = try v.seconds() }
        if let v = l.child("loss") { spec.lossProbability = try v.double(0...0.99) }
        if let v = l.child("retransmit") { spec.retransmitSeconds = try v.seconds() }
        if let v = l.child("shared_medium") { spec.sharedMedium = try v.string() }
        return spec
    }

    static func parseLengths(_ n: JSONNode, base: URL, column: String) throws -> Workload.Lengths {
        if n.value.intValue != nil { return .fixed(try n.int(1...10_000_000)) }
        _ = try n.object(allowed: ["uniform", "trace"])
        if let u = n.child("uniform") {
            let bounds = try u.array()
            guard bounds.count == 2 else { throw u.fail("expected [min, max]") }
            let lo = try bounds[0].int(1...10_000_000), hi = try bounds[1].int(1...10_000_000)
            guard lo <= hi else { throw u.fail("min \(lo) is above max \(hi)") }
            return .uniform(lo, hi)
        }
        if let t = n.child("trace") {
            let url = resolve(try t.string(), base: base)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw t.fail("cannot read \(url.path)") }
            var lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            guard let header = lines.first, let col = header.firstIndex(of: column) else {
                throw t.fail("\(url.lastPathComponent) needs a header line with a \"\(column)\" column")
            }
            lines.removeFirst()
            var values: [Int] = []
            for (i, row) in lines.enumerated() {
                guard col < row.count, let v = Int(row[col]), v > 0 else {
                    throw t.fail("\(url.lastPathComponent) line \(i + 2): \"\(column)\" must be a positive integer")
                }
                values.append(v)
            }
            guard !values.isEmpty else { throw t.fail("\(url.lastPathComponent) has no rows") }
            return .trace(values)
        }
        throw n.fail("expected a number, {\"uniform\": [min, max]} or {\"trace\": \"file.csv\"}")
    }

    static func parseWorkload(_ w: JSONNode, nodes: [NodeID], nodeID: (JSONNode) throws -> NodeID, base: URL) throws -> Workload {
        _ = try w.object(allowed: ["arrivals", "prompt_tokens", "output_tokens", "origins", "sampling"])
        let a = try w.required("arrivals")
        _ = try a.object(allowed: ["type", "times", "rate", "count", "users", "requests_per_user", "think"])
        let arrivals: Workload.Arrivals
        switch try a.required("type").string() {
        case "explicit":
            let times = try a.required("times").array().map { try $0.seconds() }
            arrivals = .explicit(times)
        case "poisson":
            arrivals = .poisson(rate: try a.required("rate").double(1e-9...1e9), count: try a.required("count").int(1...10_000_000))
        case "closed_loop":
            arrivals = .closedLoop(users: try a.required("users").int(1...100_000), requestsPerUser: try a.required("requests_per_user").int(1...1_000_000),
                                   thinkSeconds: try a.child("think")?.seconds() ?? 0)
        case let other:
            throw ExperimentError.invalid(path: a.path + ".type", message: "expected \"explicit\", \"poisson\" or \"closed_loop\", got \"\(other)\"")
        }
        let prompt = try parseLengths(try w.required("prompt_tokens"), base: base, column: "prompt_tokens")
        let output = try parseLengths(try w.required("output_tokens"), base: base, column: "output_tokens")
        var origins: [NodeID] = []
        if let o = w.child("origins") {
            if o.value.stringValue == "round-robin" { origins = [] } else { origins = try o.array().map(nodeID) }
        }
        var sampling = SamplingParameters()
        if let s = w.child("sampling") {
            _ = try s.object(allowed: ["temperature", "top_p", "top_k", "min_p", "seed"])
            if let v = s.child("temperature") { sampling.temperature = try v.double(0...100) }
            if let v = s.child("top_p") { sampling.topP = try v.double(0...1) }
            if let v = s.child("top_k") { sampling.topK = try v.int(0...Int.max) }
            if let v = s.child("min_p") { sampling.minP = try v.double(0...1) }
            if let v = s.child("seed") { sampling.seed = UInt64(try v.int(0...Int.max)) }
            do { try sampling.validate() } catch { throw s.fail(error.localizedDescription) }
        }
        return Workload(arrivals: arrivals, promptTokens: prompt, outputTokens: output, origins: origins, sampling: sampling)
    }

    static func parseFault(_ f: JSONNode, nodeID: (JSONNode) throws -> NodeID) throws -> SimulatedFault {
        _ = try f.object(allowed: ["type", "node", "at", "restart_at", "until", "between", "groups", "extra_latency", "factor"])
        let at = try f.required("at").seconds()
        let until = try f.child("until")?.seconds()
        if let until, until <= at { throw ExperimentError.invalid(path: f.path + ".until", message: "must be after \"at\" (\(at) s)") }
        func pair() throws -> (NodeID, NodeID) {
            let b = try f.required("between").array()
            guard b.count == 2 else { throw ExperimentError.invalid(path: f.path + ".between", message: "expected two device ids") }
            return (try nodeID(b[0]), try nodeID(b[1]))
        }
        switch try f.required("type").string() {
        case "crash":
            let restart = try f.child("restart_at")?.seconds()
            if let restart, restart <= at { throw ExperimentError.invalid(path: f.path + ".restart_at", message: "must be after \"at\"") }
            return .crash(node: try nodeID(try f.required("node")), at: at, restartAt: restart)
        case "link_down":
            let (a, b) = try pair()
            return .linkDown(a, b, at: at, until: until)
        case "partition":
            let groups = try f.required("groups").array().map { try $0.array().map(nodeID) }
            guard groups.count >= 2 else { throw ExperimentError.invalid(path: f.path + ".groups", message: "expected at least two groups") }
            return .partition(groups, at: at, until: until)
        case "latency_spike":
            guard let until else { throw ExperimentError.invalid(path: f.path + ".until", message: "is required for a latency spike") }
            let between = f.child("between") != nil ? try pair() : nil
            return .latencySpike(extraSeconds: try f.required("extra_latency").seconds(), between: between, at: at, until: until)
        case "slow_device":
            return .slowDevice(node: try nodeID(try f.required("node")), factor: try f.required("factor").double(1...1000), at: at, until: until)
        case let other:
            throw ExperimentError.invalid(path: f.path + ".type", message: "expected crash, link_down, partition, latency_spike or slow_device, got \"\(other)\"")
        }
    }
}

// An experiment is plain values (tuples of strings and numbers prevent the checked conformance).
extension Experiment: @unchecked Sendable {}
extension Workload: Sendable {}
extension Workload.Arrivals: Sendable {}
extension Workload.Lengths: Sendable {}
