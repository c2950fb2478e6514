import Foundation
import Testing

/// Any node of a real cluster answers the OpenAI API: the official `openai` client against
/// `omni serve` nodes that split the model between them.
@Suite(.serialized) struct ServeAPITests {
    @Test func openAIClientAgainstAClusterNode() throws {
        let cluster = try ServeCluster()
        defer { cluster.stopAll() }
        let ids = ["a", "b"]
        for id in ids { try cluster.start(id, ["--discovery", "manual", "--peers", cluster.peersFile, "--api-key", "test-key"]) }
        var ports: [Int] = []
        for id in ids { ports.append(try #require(cluster[id].ready(), "node \(id) did not start:\n\(cluster.logs())").port) }
        try cluster.writePeersFile(ports)
        #expect(cluster.waitForJoins(ids), "cluster did not form:\n\(cluster.logs())")
        let apiPort = cluster["b"].apiPort
        #expect(apiPort > 0)
        let script = CLI.repositoryRoot.appendingPathComponent("Scripts/api/test_openai_client.py").path
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", script, "--base-url", "http://127.0.0.1:\(apiPort)/v1", "--api-key", "test-key", "--model", "llama"]
        let out = Pipe()
        python.standardOutput = out
        python.standardError = out
        try python.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        #expect(python.terminationStatus == 0, "openai client checks against a cluster node failed (pip install openai):\n\(text)\n\(cluster.logs())")
        // The requests really crossed both nodes.
        #expect(cluster["b"].stderr.contains("placement epoch 1 (uniform): a holds layers") || cluster["b"].stderr.contains("b holds layers"),
                "\(cluster["b"].stderr)")
    }
}
