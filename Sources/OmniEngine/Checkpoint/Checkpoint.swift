import Foundation
import OmniKernels

/// A Hugging Face checkpoint directory: `config.json`, `generation_config.json`, and either
/// `model.safetensors` or sharded `model-0000k-of-0000n.safetensors` files with
/// `model.safetensors.index.json`. Files are memory-mapped on first use, so a shard that needs
/// only some tensors maps only the files that hold them and touches only their pages.
public final class Checkpoint: @unchecked Sendable {
    public let directory: URL
    public let config: ModelConfig
    public let generation: GenerationDefaults
    /// Tensor name -> file name, from the index (or from the single file's header).
    private let fileForTensor: [String: String]
    private var mapped: [String: (MappedFile, SafeTensorsHeader)] = [:]
    private let lock = NSLock()

    public init(directory: URL) throws {
        self.directory = directory
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDir), isDir.boolValue else {
            throw CheckpointError.missingFile(path: directory.path, hint: "expected a checkpoint directory with config.json and *.safetensors")
        }
        let configURL = directory.appendingPathComponent("config.json")
        config = try ModelConfig.parse(Self.read(configURL), file: configURL.path)
        let genURL = directory.appendingPathComponent("generation_config.json")
        if FileManager.default.fileExists(atPath: genURL.path) {
            generation = try GenerationDefaults.parse(Self.read(genURL), file: genURL.path)
        } else {
            generation = GenerationDefaults()
        }

        let indexURL = directory.appendingPathComponent("model.safetensors.index.json")
        let singleURL = directory.appendingPathComponent("model.safetensors")
        if FileManager.default.fileExists(atPath: indexURL.path) {
            let index = try JSONValue.parse(Self.read(indexURL), file: indexURL.path)
            guard let weightMap = index.objectValue?["weight_map"]?.objectValue else {
                throw CheckpointError.invalidConfig(file: indexURL.path, key: "weight_map", reason: "is missing or not an object")
            }
            var table: [String: String] = [:]
            for (name, file) in weightMap {
                guard let f = file.stringValue, !f.contains("/"), !f.hasPrefix(".") else {
                    throw CheckpointError.invalidConfig(file: indexURL.path, key: "weight_map.\(name)", reason: "must be a file name in the checkpoint directory, got \(file.brief)")
                }
                table[name] = f
            }
            fileForTensor = table
        } else if FileManager.default.fileExists(atPath: singleURL.path) {
            let file = try MappedFile(path: singleURL.path)
            let header = try Self.parseHeader(of: file)
            var table: [String: String] = [:]
            for name in header.orderedNames { table[name] = "model.safetensors" }
            fileForTensor = table
            mapped["model.safetensors"] = (file, header)
        } else {
            throw CheckpointError.missingFile(path: singleURL.path, hint: "no model.safetensors or model.safetensors.index.json in \(directory.path)")
        }
    }

    static func read(_ url: URL) throws -> Data {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CheckpointError.missingFile(path: url.path, hint: "")
        }
        do { return try Data(contentsOf: url) } catch {
            throw CheckpointError.unreadable(path: url.path, reason: error.localizedDescription)
        }
    }

    static func parseHeader(of file: MappedFile) throws -> SafeTensorsHeader {
        guard let base = file.base else {
            throw CheckpointError.truncated(file: file.path, reason: "file is empty")
        }
        return try SafeTensorsHeader.parse(prefix: UnsafeRawBufferPointer(start: base, count: file.size),
                                           fileSize: file.size, file: file.path)
    }

    /// All tensor names, sorted.
    public var tensorNames: [String] { fileForTensor.keys.sorted() }

    public func contains(_ name: String) -> Bool { fileForTensor[name] != nil }

    /// Locates a tensor, mapping its file if needed, and checks its shape.
    public func tensor(_ name: String, shape expected: [Int]) throws -> (file: MappedFile, info: TensorInfo) {
        guard let fileName = fileForTensor[name] else {
            throw CheckpointError.tensorMissing(name: name, searched: directory.path)
        }
        let (file, header) = try mappedFile(fileName)
        guard let info = header.tensors[name] else {
            throw CheckpointError.tensorMissing(name: name, searched: file.path)
        }
        guard info.dtype != nil else {
            throw CheckpointError.unsupportedDType(name: name, file: file.path, dtype: info.storedDType)
        }
        guard info.shape == expected else {
            throw CheckpointError.shapeMismatch(name: name, file: file.path, expected: expected, found: info.shape)
        }
        return (file, info)
    }

    private func mappedFile(_ fileName: String) throws -> (MappedFile, SafeTensorsHeader) {
        lock.lock()
        defer { lock.unlock() }
        if let m = mapped[fileName] { return m }
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CheckpointError.missingFile(path: url.path, hint: "listed in model.safetensors.index.json")
        }
        let file = try MappedFile(path: url.path)
        let header = try Self.parseHeader(of: file)
        mapped[fileName] = (file, header)
        return (file, header)
    }

    /// Names of the files mapped so far (a shard maps only the files holding its tensors).
    public var mappedFileNames: [String] {
        lock.lock()
        defer { lock.unlock() }
        return mapped.keys.sorted()
    }
}

/// Defaults from `generation_config.json` that affect stopping and sampling.
public struct GenerationDefaults: Sendable, Equatable {
    public var eosTokenIds: [Int] = []
    public var bosTokenId: Int?
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    public var doSample: Bool?
    public var repetitionPenalty: Double?

    public init() {}

    public static func parse(_ data: Data, file: String) throws -> GenerationDefaults {
        guard let dict = try JSONValue.parse(data, file: file).objectValue else {
            throw CheckpointError.invalidJSON(file: file, reason: "top level is not a JSON object")
        }
        let r = JSONFieldReader(dict: dict, file: file)
        var g = GenerationDefaults()
        g.eosTokenIds = try r.optionalIntList("eos_token_id") ?? []
        g.bosTokenId = try r.optionalInt("bos_token_id")
        g.temperature = try r.optionalDouble("temperature")
        g.topP = try r.optionalDouble("top_p")
        g.topK = try r.optionalInt("top_k")
        g.doSample = try r.optionalBool("do_sample")
        g.repetitionPenalty = try r.optionalDouble("repetition_penalty")
        return g
    }
}
