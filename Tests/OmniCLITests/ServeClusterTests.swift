import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Several `omni serve` processes on loopback forming a cluster over the fixture model (4 layers,
/// split three ways with the uniform strategy). Every test kills its processes, even on failure.
@Suite(.serialized) struct ServeClusterTests {
    /// Starts nodes with a shared peers file (written once every node reports its port) and
    /// waits until they all know each other.
    static func manualCluster(_ cluster: ServeCluster, ids: [String], extra: [String] = []) throws -> [String: (port: Int, clientPort: Int)] {
        for id in ids { try cluster.start(id, ["--discovery", "manual", "--peers", cluster.peersFile] + extra) }
        var ports: [String: (port: Int, clientPort: Int)] = [:]
        for id in ids {
            let ready = try #require(cluster[id].ready(), "node \(id) did not start:\n\(cluster.logs())")
            ports[id] = ready
        }
        try cluster.writePeersFile(ids.compactMap { ports[$0]?.port })
        return ports
    }

    @Test func greedyOutputThroughEveryNodeMatchesTheReferenceAndSingleDevice() throws {
        let cluster = try ServeCluster()
        defer { cluster.stopAll() }
        let ids = ["a", "b", "c"]
        let ports = try Self.manualCluster(cluster, ids: ids)
        #expect(cluster.waitForJoins(ids), "cluster did not form:\n\(cluster.logs())")
        let reference = try ServeGreedyReference.load()
        for id in ids {
            let r = try ServeCluster.request(port: ports[id]!.clientPort, prompt: reference.input, maxTokens: reference.output.count)
            #expect(r.status == 0, "via \(id): \(r.stderr)")
            #expect(r.json["token_ids"] as? [Int] == reference.output, "via \(id): \(r.json)\n\(cluster.logs())")
            #expect(r.json["finish_reason"] as? String == "length")
        }
        // The placement really spans three nodes.
        #expect(cluster["a"].stderr.contains("placement epoch 1 (uniform): a holds layers 0..<2, b holds layers 2..<3, c holds layers 3..<4"),
                "\(cluster["a"].stderr)")
        // Single-device generation of the same prompt gives the same tokens.
        let single = try CLI.run("omni", ["generate", "--model", CLI.fixtureModel, "--raw", "--prompt", ServeGreedyReference.text(),
                                          "--max-tokens", "\(reference.output.count)", "--ignore-eos", "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(single.stdout.utf8)) as? [String: Any], "\(single.stderr)")
        #expect(json["prompt_token_ids"] as? [Int] == reference.input)
        #expect(json["token_ids"] as? [Int] == reference.output)
    }

    @Test func udpDiscoveryFormsTheCluster() throws {
        let cluster = try ServeCluster()
        defer { cluster.stopAll() }
        let ids = ["a", "b", "c"]
        let discoveryPort = 20_000 + Int(getpid() % 20_000)
        for id in ids {
            try cluster.start(id, ["--discovery", "udp", "--discovery-port", "\(discoveryPort)", "--beacon-interval", "0.3"])
        }
        var ports: [String: (port: Int, clientPort: Int)] = [:]
        for id in ids {
            let ready = try #require(cluster[id].ready(), "node \(id) did not start:\n\(cluster.logs())")
            ports[id] = ready
        }
        #expect(cluster.waitForJoins(ids), "cluster did not form:\n\(cluster.logs())")
        for id in ids {
            #expect(cluster[id].stderr.contains("to 127.255.255.255"), "discovery must stay on loopback: \(cluster[id].stderr)")
        }
        let reference = try ServeGreedyReference.load()
        let r = try ServeCluster.request(port: ports["b"]!.clientPort, prompt: reference.input, maxTokens: reference.output.count)
        #expect(r.json["token_ids"] as? [Int] == reference.output, "\(r.json)\n\(cluster.logs())")
        let placementLines = cluster["b"].stderr.split(separator: "\n").filter { $0.contains("placement epoch") }
        #expect(placementLines.count == 1 && placementLines[0].components(separatedBy: "holds layers").count == 4, "\(placementLines)")
        let status = try CLI.run("omni", ["client", "--port", "\(ports["b"]!.clientPort)", "--status"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], "\(status.stderr)")
        let nodes = (object["nodes"] as? [[String: Any]]) ?? []
        #expect(nodes.compactMap { $0["id"] as? String } == ids)
        #expect(nodes.compactMap { $0["layerStart"] as? Int } == [0, 2, 3])
    }

    @Test func aKilledNodeFailsItsRequestsAtTheOriginAndTheRestServeOn() throws {
        let cluster = try ServeCluster()
        defer { cluster.stopAll() }
        let ids = ["a", "b", "c"]
        // Slow compute steps (50 ms) so that the request is surely running when c dies.
        let ports = try Self.manualCluster(cluster, ids: ids, extra: ["--heartbeat", "0.2", "--peer-timeout", "1", "--compute-delay", "0.05"])
        #expect(cluster.waitForJoins(ids), "cluster did not form:\n\(cluster.logs())")
        let reference = try ServeGreedyReference.load()
        let client = try ServeProcess(name: "client", arguments: [
            "client", "--port", "\(ports["a"]!.clientPort)", "--prompt-ids", reference.input.map(String.init).joined(separator: ","),
            "--max-tokens", "200", "--ignore-eos", "--stream", "--timeout", "30"])
        defer { client.kill() }
        #expect(ServeProcess.waitUntil(timeout: 20) { client.stdout.contains("{\"token\"") }, "no token streamed:\n\(cluster.logs())")
        let killed = Date()
        cluster["c"].kill(SIGKILL)
        #expect(client.waitForExit(timeout: 10))
        let failedAfter = Date().timeIntervalSince(killed)
        // Within about twice the peer timeout (1 s), with a clear error naming the lost node.
        #expect(failedAfter < 3, "failed after \(failedAfter) s")
        #expect(client.process.terminationStatus == 2)
        let last = client.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.contains("\"error\"") && last.contains("node c was lost"), "\(client.stdout)")
        #expect(!client.stdout.contains("\"finish\""))
        #expect(cluster["a"].stderr.contains("peer left: c"))

        // The next request is placed on a and b and gives the reference tokens.
        let r = try ServeCluster.request(port: ports["a"]!.clientPort, prompt: reference.input, maxTokens: reference.output.count)
        #expect(r.status == 0, "\(r.json)\n\(cluster.logs())")
        #expect(r.json["token_ids"] as? [Int] == reference.output)
        #expect(cluster["a"].stderr.contains("placement epoch 2 (uniform): a holds layers 0..<2, b holds layers 2..<4"), "\(cluster["a"].stderr)")

        // c comes back on its old port: the others reconnect (it is still in the peers file) and
        // the next placement spans three nodes again.
        try cluster.start("c", ["--discovery", "manual", "--peers", cluster.peersFile, "--port", "\(ports["c"]!.port)",
                                "--heartbeat", "0.2", "--peer-timeout", "1"])
        #expect(ServeProcess.waitUntil(timeout: 20) {
            ["a", "b"].allSatisfy { cluster[$0].stderr.components(separatedBy: "peer joined: c ").count == 3 }
        }, "c did not rejoin:\n\(cluster.logs())")
        let again = try ServeCluster.request(port: ports["a"]!.clientPort, prompt: reference.input, maxTokens: reference.output.count)
        #expect(again.json["token_ids"] as? [Int] == reference.output)
        #expect(cluster["a"].stderr.contains("placement epoch 3 (uniform): a holds layers 0..<2, b holds layers 2..<3, c holds layers 3..<4"))
    }

    @Test func aHungNodeIsDeclaredDeadByHeartbeatsAndItsRequestFails() throws {
        let cluster = try ServeCluster()
        defer { cluster.stopAll() }
        let ids = ["a", "b", "c"]
        let ports = try Self.manualCluster(cluster, ids: ids, extra: ["--heartbeat", "0.2", "--peer-timeout", "1", "--compute-delay", "0.05"])
        #expect(cluster.waitForJoins(ids), "cluster did not form:\n\(cluster.logs())")
        let reference = try ServeGreedyReference.load()
        let client = try ServeProcess(name: "client", arguments: [
            "client", "--port", "\(ports["a"]!.clientPort)", "--prompt-ids", reference.input.map(String.init).joined(separator: ","),
            "--max-tokens", "200", "--ignore-eos", "--stream", "--timeout", "30"])
        defer { client.kill() }
        #expect(ServeProcess.waitUntil(timeout: 20) { client.stdout.contains("{\"token\"") }, "no token streamed:\n\(cluster.logs())")
        // c stops (its sockets stay open): only the missing heartbeats tell.
        let stopped = Date()
        cluster["c"].kill(SIGSTOP)
        #expect(client.waitForExit(timeout: 10))
        let failedAfter = Date().timeIntervalSince(stopped)
        #expect(failedAfter < 2 * 1 + 1, "failed after \(failedAfter) s")
        let last = client.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.contains("node c was lost") && last.contains("no message for"), "\(client.stdout)")
        #expect(ServeProcess.waitUntil(timeout: 5) { cluster["b"].stderr.contains("peer left: c") }, "\(cluster["b"].stderr)")
        let r = try ServeCluster.request(port: ports["b"]!.clientPort, prompt: reference.input, maxTokens: reference.output.count)
        #expect(r.json["token_ids"] as? [Int] == reference.output, "\(r.json)\n\(cluster.logs())")
    }

    @Test func twoNodesWithOneIDAreReportedLoudly() throws {
        let cluster = try ServeCluster()
        defer { cluster.stopAll() }
        let discoveryPort = 20_000 + Int((getpid() + 7_919) % 20_000)
        let options = ["--discovery", "udp", "--discovery-port", "\(discoveryPort)", "--beacon-interval", "0.2"]
        try cluster.start("twin", options)
        let first = cluster["twin"]
        #expect(first.ready() != nil)
        let second = try ServeProcess(name: "twin2", arguments: [
            "serve", "--exit-with-parent", "--model", CLI.fixtureModel, "--node-id", "twin", "--host", "127.0.0.1", "--port", "0",
            "--state-dir", cluster.directory.appendingPathComponent("twin2").path, "--no-calibrate", "--api-port", "0"] + options)
        defer { second.kill() }
        #expect(ServeProcess.waitUntil(timeout: 10) {
            first.stderr.contains("WARNING: the node at 127.0.0.1:") && first.stderr.contains("announces this node's id twin")
        }, "\(first.stderr)\n\(second.stderr)")
        #expect(!first.stderr.contains("peer joined"))
    }

    @Test func deviceProfileFileAndMemoryLimitAreAnnouncedAndSIGTERMStopsCleanly() throws {
        let cluster = try ServeCluster()
        defer { cluster.stopAll() }
        let profile = cluster.directory.appendingPathComponent("profile.json")
        try Data(#"{"id": "ignored", "name": "lab box", "total_memory_bytes": 8589934592, "peak_flops": {"f32": 1e12, "f16": 2e12, "bf16": 2e12}, "memory_bandwidth_bytes_per_second": 1e11}"#.utf8).write(to: profile)
        let node = try cluster.start("solo", ["--discovery", "none", "--device-profile", profile.path, "--memory-limit", "1GiB"])
        let ready = try #require(node.ready(), "\(node.stderr)")
        let status = try CLI.run("omni", ["client", "--port", "\(ready.clientPort)", "--status"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], "\(status.stderr)")
        let nodes = (object["nodes"] as? [[String: Any]]) ?? []
        #expect(nodes.count == 1)
        #expect(nodes.first?["id"] as? String == "solo")
        #expect(nodes.first?["name"] as? String == "lab box")
        #expect(nodes.first?["totalMemoryBytes"] as? Int == 8_589_934_592)
        #expect(nodes.first?["availableMemoryBytes"] as? Int == 1_073_741_824)
        node.kill(SIGTERM)
        #expect(node.waitForExit(timeout: 10))
        #expect(node.process.terminationStatus == 0)
        #expect(node.stderr.contains("shutting down (SIGTERM)"))

        let bad = try cluster.start("broken", ["--discovery", "none", "--device-profile", cluster.directory.appendingPathComponent("missing.json").path])
        #expect(bad.waitForExit(timeout: 20))
        #expect(bad.process.terminationStatus == 1)
        #expect(bad.stderr.contains("device profile") && bad.stderr.contains("missing.json"), "\(bad.stderr)")
    }

    @Test func aNodeWithAnotherClusterKeyIsRefused() throws {
        let cluster = try ServeCluster()
        defer { cluster.stopAll() }
        for id in ["a", "b"] { try cluster.start(id, ["--discovery", "manual", "--peers", cluster.peersFile, "--cluster-key", "right secret"]) }
        try cluster.start("d", ["--discovery", "manual", "--peers", cluster.peersFile, "--cluster-key", "wrong secret"])
        var ports: [String: (port: Int, clientPort: Int)] = [:]
        for id in ["a", "b", "d"] {
            let ready = try #require(cluster[id].ready(), "node \(id) did not start:\n\(cluster.logs())")
            ports[id] = ready
        }
        try cluster.writePeersFile(["a", "b", "d"].compactMap { ports[$0]?.port })
        #expect(cluster.waitForJoins(["a", "b"]), "a and b did not form a cluster:\n\(cluster.logs())")
        #expect(ServeProcess.waitUntil(timeout: 10) {
            cluster["a"].stderr.contains("refused peer 127.0.0.1:") && cluster["a"].stderr.contains(": cluster key mismatch")
        }, "\(cluster.logs())")
        #expect(ServeProcess.waitUntil(timeout: 10) { cluster["d"].stderr.contains("cluster key mismatch") })
        let reference = try ServeGreedyReference.load()
        let r = try ServeCluster.request(port: ports["a"]!.clientPort, prompt: reference.input, maxTokens: reference.output.count)
        #expect(r.json["token_ids"] as? [Int] == reference.output, "\(r.json)")
        #expect(cluster["a"].stderr.contains("placement epoch 1 (uniform): a holds layers 0..<2, b holds layers 2..<4"), "\(cluster["a"].stderr)")
        for id in ["a", "b", "d"] { #expect(!cluster[id].stderr.contains("peer joined: d"), "\(id)") }
        #expect(!cluster["d"].stderr.contains("peer joined:"))
    }

    @Test func badOptionsAreNamed() throws {
        for (arguments, expected) in [
            (["serve", "--discovery", "carrier-pigeon"], "--discovery expects udp, manual or none"),
            (["serve", "--discovery", "manual"], "--peers is required"),
            (["serve", "--host", "localhost.example", "--model", CLI.fixtureModel], "--host expects an IPv4 address"),
            (["serve", "--strategy", "fastest", "--model", CLI.fixtureModel], "--strategy expects"),
            (["serve", "--memory-limit", "lots", "--model", CLI.fixtureModel], "--memory-limit expects"),
            (["serve", "--node-id", "a b", "--model", CLI.fixtureModel, "--discovery", "none"], "node id 'a b' cannot be used"),
            (["client", "--port", "1", "--prompt-ids", "1,x"], "--prompt-ids expects comma-separated integers"),
            (["serve", "--model", CLI.fixtureModel, "--discovery", "none", "--node-id", "p", "--heartbeat", "2", "--peer-timeout", "1"],
             "--peer-timeout expects more seconds than --heartbeat"),
        ] {
            let r = try CLI.run("omni", arguments)
            #expect(r.status == 1, "\(arguments)")
            #expect(r.stderr.contains(expected), "\(arguments): \(r.stderr)")
            #expect(!r.stderr.contains("Fatal error"))
        }
    }
}
