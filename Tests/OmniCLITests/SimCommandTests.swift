import Foundation
import Testing

/// `omni-sim` as a researcher runs it: byte-identical results across processes, clear errors.
@Suite struct SimCommandTests {
    func temporary() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("omni-sim-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func files(in dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            out[name] = try Data(contentsOf: dir.appendingPathComponent(name))
        }
        return out
    }

    @Test func sameExperimentInTwoProcessesGivesIdenticalBytes() throws {
        let experiment = CLI.repositoryRoot.appendingPathComponent("Experiments/crash-under-load.json").path
        let (a, b, c) = (try temporary(), try temporary(), try temporary())
        defer { for d in [a, b, c] { try? FileManager.default.removeItem(at: d) } }
        let r1 = try CLI.run("omni-sim", [experiment, "--out", a.path, "--quiet"])
        let r2 = try CLI.run("omni-sim", [experiment, "--out", b.path, "--quiet"])
        #expect(r1.status == 0, "\(r1.stderr)")
        #expect(r2.status == 0, "\(r2.stderr)")
        #expect(r1.stdout == r2.stdout)
        let (fa, fb) = (try files(in: a), try files(in: b))
        #expect(fa.keys.sorted() == fb.keys.sorted())
        for name in ["summary.json", "summary.csv", "trace.json", "latency_cdf.svg", "comparison.txt", "events.log",
                     "trace-min-latency.h5", "trace-ring-memory-weighted.h5"] {
            #expect(fa[name] != nil, "\(name) missing")
            #expect(fa[name] == fb[name], "\(name) differs between two runs")
        }
        // Another seed draws another workload.
        let r3 = try CLI.run("omni-sim", [experiment, "--out", c.path, "--quiet", "--seed", "43"])
        #expect(r3.status == 0)
        #expect(try files(in: c)["summary.json"] != fa["summary.json"])
    }

    @Test func tinyRealComputeStudyChecksItsTokens() throws {
        let out = try temporary()
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLI.run("omni-sim", [CLI.repositoryRoot.appendingPathComponent("Experiments/tiny-real-compute.json").path, "--out", out.path, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("token check: 24 requests compared with omni generate, 0 mismatches"), "\(r.stdout)")
        // The HDF5 trace, read with h5py, holds what the run did.
        let script = """
        import h5py, json, sys
        out = sys.argv[1]
        s = json.load(open(out + "/summary.json"))
        for st in s["strategies"]:
            f = h5py.File(out + "/trace-" + st["name"] + ".h5", "r")
            assert f.attrs["schema_version"] == 1 and f.attrs["run_kind"] == "sim", dict(f.attrs)
            r = f["requests"]
            assert r.shape[0] == st["metrics"]["requests"], (r.shape, st["metrics"]["requests"])
            assert int(r["output_tokens"].sum()) == st["metrics"]["output_tokens"]
            assert all(int(x) == 0 for x in r["status"]), list(r["status"])
            p = f["placements"][...]
            rows = sorted((int(x["layer_first"]), int(x["layer_last"])) for x in p)
            assert rows[0][0] == 0 and rows[-1][1] == 3 and all(a[1] + 1 == b[0] for a, b in zip(rows, rows[1:])), rows
            e = f["events"]
            names = [n.decode() if isinstance(n, bytes) else n for n in e.attrs["kind_names"]]
            assert e.shape[0] > 0 and all(e["end_ns"] >= e["start_ns"])
            assert {"prefill", "decode"} <= {names[k] for k in set(e["kind"].tolist())}
            for req in ["0", "1", "2"]:
                for layer in ["1", "2", "3", "4"]:
                    d = f["activations"][req][layer]
                    assert d.dtype == "float32" and d.shape[1] == 64 and d.shape[0] == len(d.attrs["positions"])
        print("ok")
        """
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", script, out.path]
        let pipe = Pipe(), err = Pipe()
        check.standardOutput = pipe
        check.standardError = err
        try check.run()
        check.waitUntilExit()
        let problem = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(check.terminationStatus == 0, "h5py check failed (pip install h5py): \(problem)")
    }

    @Test(arguments: [
        (#"{"name":"x","model":"llama-3.1-8b","devices":[{"id":"a","preset":"rtx-4090"},{"id":"b","memory":"lots","flops":1e12,"bandwidth":"1GB/s"}],"workload":{"arrivals":{"type":"poisson","rate":1,"count":2},"prompt_tokens":8,"output_tokens":8}}"#,
         #"devices[1].memory: expected a size like "16GB""#),
        (#"{"name":"x","model":"llama-3.1-8b","devices":[{"id":"a","preset":"rtx-5090"}],"workload":{}}"#, #"devices[0].preset: unknown device preset "rtx-5090""#),
        (#"{"name":"x","model":"llama-3.1-8b","colour":"blue"}"#, "colour: unknown key"),
        (#"{"name":"x","model":"gpt-9","devices":[]}"#, #"model: unknown model preset "gpt-9""#),
        (#"{"name":"x","model":"llama-3.1-8b","devices":[{"id":"a","preset":"rtx-4090"}],"strategies":["best"],"workload":{}}"#, "strategies[0]"),
        (#"{"name":"x","model":"llama-3.1-8b","devices":[{"id":"a","preset":"rtx-4090"}],"workload":{"arrivals":{"type":"poisson","rate":1,"count":2},"prompt_tokens":8,"output_tokens":8},"faults":[{"type":"crash","node":"zz","at":1}]}"#, #"faults[0].node: "zz" is not a device id"#),
        (#"{"name":"x","#, "invalid JSON"),
    ])
    func badExperimentsAreRejectedWithTheirPath(_ json: String, _ expected: String) throws {
        let dir = try temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.json")
        try Data(json.utf8).write(to: file)
        let r = try CLI.run("omni-sim", [file.path, "--out", dir.appendingPathComponent("out").path, "--quiet"])
        #expect(r.status == 1)
        #expect(r.stderr.contains(expected), "stderr: \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
    }

    @Test func missingExperimentFileIsNamed() throws {
        let r = try CLI.run("omni-sim", ["/nonexistent/study.json"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("/nonexistent/study.json"))
    }
}
