import Foundation
import Testing
@testable import OmniEngine

/// Bad checkpoints give errors that name the file and the problem, never a crash.
@Suite struct CheckpointErrorTests {
    /// A copy of a fixture model that a test may damage.
    func damagedCopy(of name: String = "llama") throws -> URL {
        let dir = try Fixtures.temporaryDirectory()
        for file in try FileManager.default.contentsOfDirectory(atPath: Fixtures.model(name).path) {
            try FileManager.default.copyItem(at: Fixtures.model(name).appendingPathComponent(file), to: dir.appendingPathComponent(file))
        }
        return dir
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch { return error.localizedDescription }
    }

    @Test func missingDirectoryAndFiles() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(message { _ = try Checkpoint(directory: dir.appendingPathComponent("nope")) }.contains("not found"))
        #expect(message { _ = try Checkpoint(directory: dir) }.contains("config.json: file not found"))
        try Data(contentsOf: Fixtures.model("llama").appendingPathComponent("config.json")).write(to: dir.appendingPathComponent("config.json"))
        #expect(message { _ = try Checkpoint(directory: dir) }.contains("model.safetensors"))
    }

    @Test func unknownArchitecture() throws {
        let dir = try damagedCopy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("config.json")
        var text = try String(contentsOf: url, encoding: .utf8)
        text = text.replacingOccurrences(of: "LlamaForCausalLM", with: "GPTNeoXForCausalLM")
        try text.write(to: url, atomically: true, encoding: .utf8)
        let m = message { _ = try Checkpoint(directory: dir) }
        #expect(m.contains("config.json") && m.contains("GPTNeoXForCausalLM") && m.contains("LlamaForCausalLM"))
    }

    @Test func badConfigValues() throws {
        let cases: [(String, String)] = [
            (#"{"architectures":["LlamaForCausalLM"],"hidden_size":"big"}"#, "hidden_size expected an integer"),
            (#"{"architectures":["LlamaForCausalLM"],"hidden_size":64,"num_attention_heads":4,"num_key_value_heads":3,"vocab_size":10,"intermediate_size":8,"num_hidden_layers":1}"#, "num_key_value_heads"),
            (#"{"architectures":["LlamaForCausalLM"],"hidden_size":64,"num_attention_heads":4,"vocab_size":10,"intermediate_size":8,"num_hidden_layers":1,"rope_scaling":{"rope_type":"longrope","factor":2}}"#, "rope_scaling.rope_type"),
            (#"[1,2]"#, "not a JSON object"),
            (#"{"architectures":["LlamaForCausalLM"],"#, "invalid JSON"),
        ]
        for (json, expected) in cases {
            let m = message { _ = try ModelConfig.parse(Data(json.utf8), file: "config.json") }
            #expect(m.contains(expected), "got: \(m)")
        }
    }

    @Test func truncatedWeights() throws {
        let dir = try damagedCopy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("model.safetensors")
        let data = try Data(contentsOf: url)
        try data.prefix(data.count / 2).write(to: url)
        let m = message { _ = try Checkpoint(directory: dir) }
        #expect(m.contains("model.safetensors") && m.contains("truncated"), "got: \(m)")
    }

    @Test func missingTensorAndShapeMismatch() throws {
        let dir = try damagedCopy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let checkpoint = try Checkpoint(directory: dir)
        // A config that claims a larger intermediate size than the weights hold.
        var config = checkpoint.config
        config.intermediateSize += 1
        let url = dir.appendingPathComponent("config.json")
        var text = try String(contentsOf: url, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"intermediate_size\": \(checkpoint.config.intermediateSize)", with: "\"intermediate_size\": \(config.intermediateSize)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        let m = message { _ = try TransformerShard(checkpoint: Checkpoint(directory: dir), layers: 0..<1) }
        #expect(m.contains("mlp.gate_proj.weight") && m.contains("shape"), "got: \(m)")
        let m2 = message { _ = try TransformerShard(checkpoint: Checkpoint(directory: Fixtures.model("llama")), layers: 0..<99) }
        #expect(m2.contains("0..<99"), "got: \(m2)")
    }

    @Test func wrongDTypeIsNamed() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let header = #"{"w":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}"#
        let file = dir.appendingPathComponent("model.safetensors")
        try safetensorsBytes(header: header, dataBytes: 16).write(to: file)
        let mapped = try MappedFile(path: file.path)
        let parsed = try Checkpoint.parseHeader(of: mapped)
        #expect(parsed.tensors["w"]?.dtype == nil)
        #expect(parsed.tensors["w"]?.storedDType == "I64")
    }

    func safetensorsBytes(header: String, dataBytes: Int) -> Data {
        var d = Data()
        var n = UInt64(header.utf8.count).littleEndian
        d.append(Data(bytes: &n, count: 8))
        d.append(Data(header.utf8))
        d.append(Data(count: dataBytes))
        return d
    }

    @Test func headerErrors() throws {
        let cases: [(Data, String)] = [
            (Data([1, 2, 3]), "too short"),
            (safetensorsBytes(header: "{", dataBytes: 0), "not valid JSON"),
            (safetensorsBytes(header: #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, dataBytes: 8), "truncated"),
            (safetensorsBytes(header: #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}"#, dataBytes: 16), "needs 12 bytes"),
            (safetensorsBytes(header: #"{"w":{"dtype":"Q4","shape":[3],"data_offsets":[0,16]}}"#, dataBytes: 16), "unknown dtype"),
            (safetensorsBytes(header: #"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,16]}}"#, dataBytes: 16), "invalid dimension"),
            (safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}"#, dataBytes: 24), "overlaps"),
        ]
        for (bytes, expected) in cases {
            let m = message {
                _ = try bytes.withUnsafeBytes { try SafeTensorsHeader.parse(prefix: $0, fileSize: bytes.count, file: "x.safetensors") }
            }
            #expect(m.contains("x.safetensors") && m.contains(expected), "expected '\(expected)', got: \(m)")
        }
        var huge = Data(repeating: 0xFF, count: 8)
        huge.append(Data(count: 8))
        #expect(message { _ = try huge.withUnsafeBytes { try SafeTensorsHeader.parse(prefix: $0, fileSize: huge.count, file: "x") } }.contains("exceeds"))
    }

    @Test func fuzzedHeadersNeverCrash() throws {
        // Mutations of a real header: byte flips, insertions, deletions, truncations, and
        // length-field damage. Every outcome must be a parsed header or a CheckpointError.
        let real = try Data(contentsOf: Fixtures.model("llama").appendingPathComponent("model.safetensors"))
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(real[i]) << (8 * UInt64(i)) }
        let prefix = Array(real.prefix(8 + Int(n)))
        var random = RandomStream(seed: 42)
        var parsed = 0, rejected = 0
        for _ in 0..<3000 {
            var bytes = prefix
            let edits = 1 + Int(random.next() % 4)
            for _ in 0..<edits {
                let pos = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 5 {
                case 0: bytes[pos] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: pos)
                case 2: if bytes.count > 1 { bytes.remove(at: pos) }
                case 3: bytes = Array(bytes.prefix(pos))
                default: let digit = UInt8(0x30 + random.next() % 10); bytes[pos] = bytes[pos] >= 0x30 && bytes[pos] <= 0x39 ? digit : bytes[pos]
                }
                if bytes.isEmpty { break }
            }
            let fileSize = bytes.count + Int(random.next() % 2_000_000)
            do {
                _ = try bytes.withUnsafeBytes { try SafeTensorsHeader.parse(prefix: $0, fileSize: fileSize, file: "fuzz") }
                parsed += 1
            } catch is CheckpointError {
                rejected += 1
            }
        }
        #expect(parsed + rejected == 3000)
        #expect(rejected > 0)
    }
}
