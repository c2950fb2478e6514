import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `omni serve --trace`: one HDF5 file per node, merged by `omni-bench merge-traces` into one
/// file of the same schema with the clocks aligned.
@Suite(.serialized) struct ServeTraceTests {
    @Test func nodeTracesMergeIntoOneAlignedTrace() throws {
        let ids = ["a", "b"]
        let traced = try ServeCluster()
        defer { traced.stopAll() }
        for id in ids {
            try traced.start(id, ["--discovery", "manual", "--peers", traced.peersFile,
                                  "--trace", traced.directory.appendingPathComponent("\(id).h5").path,
                                  "--capture-activations", "layers=2"])
        }
        var ready: [String: (port: Int, clientPort: Int)] = [:]
        for id in ids { ready[id] = try #require(traced[id].ready(), "node \(id) did not start:\n\(traced.logs())") }
        try traced.writePeersFile(ids.compactMap { ready[$0]?.port })
        #expect(traced.waitForJoins(ids), "cluster did not form:\n\(traced.logs())")
        let reference = try ServeGreedyReference.load()
        let r = try ServeCluster.request(port: ready["a"]!.clientPort, prompt: reference.input, maxTokens: reference.output.count)
        #expect(r.json["token_ids"] as? [Int] == reference.output, "\(r.json) \(r.stderr)")
        for id in ids { traced[id].kill(SIGTERM) }
        for id in ids { #expect(traced[id].waitForExit(timeout: 10)) }

        let files = ids.map { traced.directory.appendingPathComponent("\($0).h5").path }
        let merged = traced.directory.appendingPathComponent("merged.h5").path
        let m = try CLI.run("omni-bench", ["merge-traces", "--out", merged] + files)
        #expect(m.status == 0, "\(m.stderr)")
        #expect(m.stdout.contains("from message round trips"), "\(m.stdout)")
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", """
            import h5py, sys
            f = h5py.File(sys.argv[1], "r")
            assert f.attrs["run_kind"] == "live", dict(f.attrs)
            names = sorted(n.decode() if isinstance(n, bytes) else n for n in f["nodes"]["name"])
            assert names == ["a", "b"], names
            e = f["events"][...]
            kinds = [k.decode() if isinstance(k, bytes) else k for k in f["events"].attrs["kind_names"]]
            kind = {n: i for i, n in enumerate(kinds)}
            sends = {(int(x["request"]), int(x["token_index"]), int(x["node"]), int(x["peer"])): int(x["start_ns"]) for x in e if x["kind"] == kind["send"]}
            recvs = {(int(x["request"]), int(x["token_index"]), int(x["peer"]), int(x["node"])): int(x["start_ns"]) for x in e if x["kind"] == kind["receive"]}
            pairs = [(recvs[k] - sends[k]) for k in sends if k in recvs]
            assert len(pairs) >= 10, len(pairs)
            # After alignment no message arrives before it was sent (beyond 1 ms of estimation error).
            assert min(pairs) > -1_000_000, min(pairs)
            assert any(x["kind"] in (kind["prefill"], kind["decode"]) for x in e)
            print(len(pairs), min(pairs))
            """, merged]
        // Node b holds layers 2..<4: what it captured entering layer 2 is what crossed the shard
        // boundary, and equals transformers' single-device hidden state there.
        let capture = Process()
        capture.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        capture.arguments = ["python3", "-c", """
            import h5py, json, sys, numpy as np
            f = h5py.File(sys.argv[1], "r")
            ref = np.array(json.load(open(sys.argv[2]))["hidden_states"]["layer_2_input"], dtype=np.float32)
            groups = list(f["activations"].keys())
            assert len(groups) == 1, groups
            d = f["activations"][groups[0]]["2"]
            assert list(d.attrs["shard"]) == [2, 3], list(d.attrs["shard"])
            pos = list(d.attrs["positions"])
            assert pos[: len(ref)] == list(range(len(ref))), pos
            diff = float(np.abs(d[...][: len(ref)] - ref).max())
            assert diff <= 1e-4, diff
            print(diff)
            """, traced.directory.appendingPathComponent("b.h5").path, CLI.fixtureModel + "/reference.json"]
        let captureErr = Pipe()
        capture.standardError = captureErr
        capture.standardOutput = FileHandle.nullDevice
        try capture.run()
        capture.waitUntilExit()
        #expect(capture.terminationStatus == 0, "captured boundary activations: \(String(decoding: captureErr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")

        let err = Pipe()
        check.standardError = err
        check.standardOutput = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        let problem = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(check.terminationStatus == 0, "merged trace check failed: \(problem)")
    }

    @Test func aSigkilledNodeLeavesAReadableTrace() throws {
        let cluster = try ServeCluster()
        defer { cluster.stopAll() }
        let file = cluster.directory.appendingPathComponent("solo.h5").path
        try cluster.start("solo", ["--discovery", "none", "--trace", file])
        let ready = try #require(cluster["solo"].ready(), "node did not start:\n\(cluster.logs())")
        let reference = try ServeGreedyReference.load()
        let r = try ServeCluster.request(port: ready.clientPort, prompt: reference.input, maxTokens: reference.output.count)
        #expect(r.json["token_ids"] as? [Int] == reference.output, "\(r.json) \(r.stderr)")
        Thread.sleep(forTimeInterval: 1.6)   // one flush of the recorder's timer
        cluster["solo"].kill(SIGKILL)
        #expect(cluster["solo"].waitForExit(timeout: 10))
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", """
            import h5py, sys
            f = h5py.File(sys.argv[1], "r")
            e = f["events"]
            names = [n.decode() if isinstance(n, bytes) else n for n in e.attrs["kind_names"]]
            kinds = {names[k] for k in set(e["kind"].tolist())}
            assert {"prefill", "decode"} <= kinds, kinds
            decodes = sum(1 for k in e["kind"] if names[k] == "decode")
            assert decodes >= int(sys.argv[2]) - 1, decodes
            print(e.shape[0])
            """, file, "\(reference.output.count)"]
        let err = Pipe()
        check.standardError = err
        check.standardOutput = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0, "h5py could not read the killed node's trace: \(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
    }
}
