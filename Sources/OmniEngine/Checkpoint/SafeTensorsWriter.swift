import Foundation
import OmniKernels

/// Writes `.safetensors` files in the layout the format's reference implementation produces
/// (header JSON with tensors sorted by name, padded with spaces to 8 bytes, data in order).
/// Used to synthesize checkpoints for benchmarks and tests.
public struct SafeTensorsWriter {
    /// One tensor to write: its bytes are produced on demand so large files stream to disk.
    public struct Entry {
        public var name: String
        public var dtype: DType
        public var shape: [Int]
        public var fill: (UnsafeMutableRawBufferPointer) -> Void

        public init(name: String, dtype: DType, shape: [Int], fill: @escaping (UnsafeMutableRawBufferPointer) -> Void) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.fill = fill
        }

        public var byteCount: Int { shape.reduce(1, *) * dtype.byteSize }
    }

    public static func write(_ entries: [Entry], metadata: [String: String] = ["format": "pt"], to url: URL) throws {
        let sorted = entries.sorted { $0.name < $1.name }
        var header = "{"
        var parts: [String] = []
        if !metadata.isEmpty {
            let meta = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            parts.append("\"__metadata__\":{\(meta.joined(separator: ","))}")
        }
        var offset = 0
        for e in sorted {
            let shape = e.shape.map(String.init).joined(separator: ",")
            parts.append("\(jsonString(e.name)):{\"dtype\":\"\(e.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + e.byteCount)]}")
            offset += e.byteCount
        }
        header += parts.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: url) else {
            throw CheckpointError.unreadable(path: url.path, reason: "cannot create file")
        }
        defer { try? handle.close() }
        var length = UInt64(headerBytes.count).littleEndian
        try handle.write(contentsOf: Data(bytes: &length, count: 8))
        try handle.write(contentsOf: Data(headerBytes))
        for e in sorted {
            var buffer = Data(count: e.byteCount)
            buffer.withUnsafeMutableBytes { e.fill($0) }
            try handle.write(contentsOf: buffer)
        }
    }

    static func jsonString(_ s: String) -> String {
        JSONText.quoted(s)
    }
}
