import Foundation
import OmniAPI
import OmniCommandLine
import OmniEngine
import OmniTrace

/// `omni serve`: run this machine as one node of a cluster. Nodes find each other (UDP
/// broadcast, a peers file, or not at all), agree on who holds which layers, and any node
/// accepts requests. Logs one line per peer join/leave and placement change on stderr; prints
/// one JSON line `{"event":"ready",...}` with the bound ports on stdout once it listens.
enum ServeCommand {
    nonisolated(unsafe) static var parentWatchdog: DispatchSourceTimer?
    nonisolated(unsafe) static var traceFlusher: DispatchSourceTimer?

    static let spec = CommandSpec(name: "omni serve", summary: "Run this machine as a node of an OMNI cluster.", options: [
        OptionSpec("model", value: "DIR", help: "Hugging Face checkpoint directory (the same model on every node).", default: "the bundled omni-shakespeare model"),
        OptionSpec("node-id", value: "ID", help: "This node's id.", default: "generated once and kept in the state directory"),
        OptionSpec("host", value: "ADDR", help: "IPv4 address to listen on for peers; a 127.x address keeps peers and discovery on loopback.", default: "0.0.0.0"),
        OptionSpec("port", value: "P", help: "TCP port for peers (0 picks a free one).", default: "5679"),
        OptionSpec("client-port", value: "P", help: "Internal test/diagnostic port on 127.0.0.1 (JSON lines, see 'omni client'); 0 picks a free one.", default: "off"),
        OptionSpec("discovery", value: "MODE", help: "How peers are found: udp (broadcast beacons), manual (--peers FILE) or none.", default: "udp"),
        OptionSpec("discovery-port", value: "P", help: "UDP port for discovery beacons.", default: "5678"),
        OptionSpec("discovery-broadcast", value: "ADDRS", help: "Comma-separated IPv4 broadcast addresses for beacons.", default: "every interface's broadcast address (127.255.255.255 only with a loopback --host)"),
        OptionSpec("beacon-interval", value: "SECONDS", help: "Seconds between discovery beacons.", default: "2.5"),
        OptionSpec("peers", value: "FILE", help: "Peers file for --discovery manual: host:port or id@host:port a line; re-read when it changes."),
        OptionSpec("cluster-key", value: "SECRET", help: "Shared secret: peers must prove they know it; frames and beacons are HMAC-SHA256 tagged."),
        OptionSpec("strategy", value: "NAME", help: "Placement strategy: \(PlacementStrategies.names.joined(separator: ", ")).", default: PlacementStrategies.defaultName),
        OptionSpec("wire-dtype", value: "TYPE", help: "Hidden states between nodes: f32 (exact), f16 or bf16 (half the bytes, rounded).", default: "f32"),
        OptionSpec("memory-limit", value: "BYTES", help: "Cap on the memory this node offers, e.g. 8GiB."),
        OptionSpec("device-profile", value: "FILE", help: "JSON DeviceProfile to announce instead of this machine's."),
        OptionSpec("state-dir", value: "DIR", help: "Where the node id and calibration are kept.", default: "$XDG_STATE_HOME/omni or ~/.omni"),
        OptionSpec("heartbeat", value: "SECONDS", help: "Interval between heartbeats.", default: "1"),
        OptionSpec("peer-timeout", value: "SECONDS", help: "A peer silent this long is declared dead.", default: "4"),
        OptionSpec("request-timeout", value: "SECONDS", help: "A request without a new token this long fails.", default: "60"),
        OptionSpec("capture-activations", value: "SPEC", help: "With --trace: capture hidden states entering this node's layers, e.g. \"layers=8;positions=0-31;max=64MB\"."),
        OptionSpec("trace", value: "FILE", help: "Write this node's events to an HDF5 trace (OMNI trace schema; flushed every second; merge nodes with 'omni-bench merge-traces')."),
        OptionSpec("no-calibrate", help: "Skip the quick bandwidth and matmul measurements (uses placeholder bandwidth and FLOPS figures)."),
        OptionSpec("exit-with-parent", help: "Exit when the process that started this node exits (for test harnesses)."),
        OptionSpec("compute-delay", value: "SECONDS", help: "Testing: sleep before every compute step to emulate a slow device.", default: "0"),
    ] + APIServeOptions.options + [
        OptionSpec("no-api", help: "Do not serve the OpenAI-compatible API on this node."),
    ])

    static func run(_ arguments: [String]) throws {
        let args = try spec.parse(arguments)
        if args.flag("help") { print(spec.help); return }
        let name = spec.name
        func seconds(_ option: String, _ fallback: Double) throws -> UInt64 {
            UInt64((try args.double(option, range: 0.001...86_400) ?? fallback) * 1e9)
        }
        func port(_ option: String, _ fallback: Int) throws -> UInt16 {
            UInt16(try args.int(option, range: 0...65_535) ?? fallback)
        }

        let host = args.string("host") ?? "0.0.0.0"
        let listen: IPv4Endpoint
        do { listen = try IPv4Endpoint(host: host, port: try port("port", 5679)) } catch {
            throw CommandLineError.invalidValue(command: name, option: "host", value: host, expected: "an IPv4 address such as 0.0.0.0 or 127.0.0.1")
        }
        let discovery: DiscoveryMode
        switch args.string("discovery") ?? "udp" {
        case "none": discovery = .none
        case "manual":
            guard let file = args.string("peers") else { throw CommandLineError.missingOption(command: name, option: "peers") }
            discovery = .manual(peersFile: file)
        case "udp":
            var destinations: [UInt32]? = nil
            if let list = args.string("discovery-broadcast") {
                destinations = try list.split(separator: ",").map { item in
                    do { return try IPv4Endpoint(host: item.trimmingCharacters(in: .whitespaces), port: 1).address } catch {
                        throw CommandLineError.invalidValue(command: name, option: "discovery-broadcast", value: list, expected: "comma-separated IPv4 addresses")
                    }
                }
            }
            discovery = .udp(port: try port("discovery-port", 5678), destinations: destinations)
        case let other:
            throw CommandLineError.invalidValue(command: name, option: "discovery", value: other, expected: "udp, manual or none")
        }
        if args.string("peers") != nil, case .manual = discovery {} else if args.string("peers") != nil {
            throw CommandLineError.invalidValue(command: name, option: "peers", value: args.string("peers") ?? "", expected: "to be used with --discovery manual")
        }
        let strategyName = args.string("strategy") ?? PlacementStrategies.defaultName
        let strategy: any PlacementStrategy
        do { strategy = try PlacementStrategies.named(strategyName) } catch {
            throw CommandLineError.invalidValue(command: name, option: "strategy", value: strategyName, expected: PlacementStrategies.names.joined(separator: ", "))
        }
        let wireDType: WireDType
        switch args.string("wire-dtype") ?? "f32" {
        case "f32": wireDType = .f32
        case "f16": wireDType = .f16
        case "bf16": wireDType = .bf16
        case let other: throw CommandLineError.invalidValue(command: name, option: "wire-dtype", value: other, expected: "f32, f16 or bf16")
        }
        let memoryLimit = try args.byteSize("memory-limit")
        let heartbeat = try seconds("heartbeat", 1), peerTimeout = try seconds("peer-timeout", 4)
        let requestTimeout = try seconds("request-timeout", 60)
        guard peerTimeout > heartbeat else {
            throw CommandLineError.invalidValue(command: name, option: "peer-timeout", value: args.string("peer-timeout") ?? "4",
                                                expected: "more seconds than --heartbeat (\(Double(heartbeat) / 1e9)), or live peers are declared dead")
        }
        let stateDir = args.string("state-dir") ?? NodeIdentity.defaultStateDirectory()
        let nodeID = try NodeIdentity.resolve(given: args.string("node-id"), stateDirectory: stateDir)

        let modelURL = try ModelOption.directory(args, command: name)
        let model = try LocalModel(directory: modelURL)
        let checkpoint = model.checkpoint
        let config = checkpoint.config
        let weightBytes = (try? checkpoint.tensor("model.embed_tokens.weight", shape: [config.vocabSize, config.hiddenSize]).info.dtype?.byteSize) ?? 2

        var profile: DeviceProfile
        if let file = args.string("device-profile") {
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: file))
                profile = try JSONDecoder().decode(DeviceProfile.self, from: data)
            } catch {
                throw LiveError.deviceProfile(path: file, reason: error.localizedDescription)
            }
            profile.id = nodeID.rawValue
            if let memoryLimit { profile = profile.cappingAvailableMemory(at: memoryLimit) }
        } else {
            let base = DeviceProfile.thisMachine(id: nodeID.rawValue, memoryLimitBytes: memoryLimit)
            let bandwidth = args.flag("no-calibrate") ? nil : BandwidthCalibration.bandwidth(stateDirectory: stateDir, processor: base.processor)
            let flops = args.flag("no-calibrate") ? nil : ComputeCalibration.peakFlops(stateDirectory: stateDir, processor: base.processor)
            profile = DeviceProfile.thisMachine(id: nodeID.rawValue, memoryLimitBytes: memoryLimit, peakFlops: flops,
                                                memoryBandwidthBytesPerSecond: bandwidth)
        }

        var node = NodeConfiguration(id: nodeID, profile: profile, modelName: model.name, model: config,
                                     weightBytes: weightBytes, strategy: strategy)
        node.heartbeatInterval = heartbeat
        node.peerTimeout = peerTimeout
        node.requestTimeout = requestTimeout
        var settings = LiveNodeSettings(node: node, listen: listen, discovery: discovery, clusterKey: args.string("cluster-key"))
        settings.computeDelaySeconds = try args.double("compute-delay", range: 0...60) ?? 0
        settings.hiddenDType = wireDType
        settings.beaconInterval = try args.double("beacon-interval", range: 0.05...3600) ?? 2.5

        let prefix = "[node \(nodeID)] "
        let log: @Sendable (String) -> Void = { line in printError(prefix + line) }
        signal(SIGPIPE, SIG_IGN)
        let runtime = LiveNodeRuntime(settings: settings, checkpoint: checkpoint, log: log)
        var traceRecorder: LiveTraceRecorder? = nil
        if args.string("capture-activations") != nil && args.string("trace") == nil {
            throw CommandLineError.invalidValue(command: spec.name, option: "capture-activations", value: args.string("capture-activations") ?? "",
                                                expected: "--trace FILE as well (activations are written into the trace)")
        }
        if let tracePath = args.string("trace") {
            let recorder = try LiveTraceRecorder(path: tracePath, node: nodeID, profile: profile,
                                                 command: CommandLine.arguments.joined(separator: " "), monotonicNow: runtime.now())
            runtime.onTrace = { recorder.record($0) }
            traceRecorder = recorder
            if let spec = try args.string("capture-activations").map(ActivationCaptureSpec.parse) {
                runtime.captureActivations(spec) { request, captured, shard in
                    recorder.record(activations: captured, request: request, shard: shard)
                }
            }
            let flusher = DispatchSource.makeTimerSource(queue: .global())
            flusher.schedule(deadline: .now() + 1, repeating: 1)
            flusher.setEventHandler { recorder.flushPending() }
            flusher.resume()
            traceFlusher = flusher
        }
        try runtime.start()
        let backend = ClusterCompletionBackend(model: model, runtime: runtime)
        // Any node answers the OpenAI-compatible API and the web chat.
        var apiServer: APIServer? = nil
        if !args.flag("no-api") {
            let configuration = try APIServeOptions.configuration(args, raw: arguments, defaultModelName: model.name)
            let server = APIServer(backend: backend, configuration: configuration)
            try server.start()
            log("API and web chat on http://\(configuration.host):\(server.boundPort)")
            apiServer = server
        }
        var clientPort: ClientPort? = nil
        if args.string("client-port") != nil {
            let p = ClientPort(backend: backend, log: log)
            try p.start(port: try port("client-port", 0))
            log("client port (internal, JSON lines) on \(p.endpoint?.description ?? "?")")
            clientPort = p
        }
        var ready: [String: Any] = ["event": "ready", "node": nodeID.rawValue, "port": Int(runtime.listenEndpoint?.port ?? 0)]
        if let p = clientPort?.endpoint { ready["client_port"] = Int(p.port) }
        if let apiServer { ready["api_port"] = apiServer.boundPort }
        if let data = try? JSONSerialization.data(withJSONObject: ready, options: [.sortedKeys]) {
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }

        let shutdown: @Sendable (String) -> Void = { [clientPort, traceRecorder, apiServer] signalName in
            log("shutting down (\(signalName))")
            apiServer?.stop()
            clientPort?.stop()
            runtime.stop()
            traceRecorder?.close()
            exit(0)
        }
        if args.flag("exit-with-parent") {
            let parent = getppid()
            let watchdog = DispatchSource.makeTimerSource(queue: .main)
            watchdog.schedule(deadline: .now() + 0.5, repeating: 0.5)
            watchdog.setEventHandler { if getppid() != parent { shutdown("parent process exited") } }
            watchdog.resume()
            parentWatchdog = watchdog
        }
        var sources: [DispatchSourceSignal] = []
        for (number, signalName) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler { shutdown(signalName) }
            source.resume()
            sources.append(source)
        }
        withExtendedLifetime((sources, backend, clientPort, apiServer)) {
            dispatchMain()
        }
    }
}
